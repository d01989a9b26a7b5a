package io.edgeuploader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonLogLayoutTest {
  private static JsonNode layout(String logger, String message, Object... args) throws Exception {
    LoggerContext ctx = new LoggerContext();
    LoggingEvent event =
        new LoggingEvent("fqcn", ctx.getLogger(logger), Level.INFO, message, null, args);
    JsonLogLayout layout = new JsonLogLayout();
    layout.setContext(ctx);
    layout.start();
    String line = layout.doLayout(event);
    assertEquals(1, line.split("\n", -1).length - 1, "one line: " + line);
    return new ObjectMapper().readTree(line);
  }

  @Test
  void ownEventsBecomeFieldsWithNumbersAsNumbers() throws Exception {
    JsonNode j =
        layout(
            "io.edgeuploader.Uploader",
            "event=commit table={} version={} rows={} watermark={} duration_ms={}",
            "sensor_readings",
            3,
            1000,
            "2024-01-01T00:00:00Z",
            41);
    assertEquals("INFO", j.get("level").asText());
    assertEquals("Uploader", j.get("logger").asText());
    assertEquals("commit", j.get("event").asText());
    assertEquals("sensor_readings", j.get("table").asText());
    assertEquals(3, j.get("version").asLong());
    assertEquals(1000, j.get("rows").asLong());
    assertEquals(41, j.get("duration_ms").asLong());
    assertEquals("2024-01-01T00:00:00Z", j.get("watermark").asText());
    assertFalse(j.has("message"));
  }

  @Test
  void quotedValuesKeepTheirSpacesAndQuotesAndTheRestIsTheMessage() throws Exception {
    JsonNode j =
        layout(
            "io.edgeuploader.UploadLoop",
            "event=pass_failed error=\"{}\"; retrying with backoff",
            "store at s3://b/t: \"Connection refused\" (twice)");
    assertEquals("pass_failed", j.get("event").asText());
    assertEquals("store at s3://b/t: \"Connection refused\" (twice)", j.get("error").asText());
    assertEquals("retrying with backoff", j.get("message").asText());
  }

  @Test
  void libraryLinesKeepTheirText() throws Exception {
    JsonNode j = layout("org.apache.hadoop.fs.FileSystem", "retry=3 failed for {}", "x");
    assertEquals("retry=3 failed for x", j.get("message").asText());
    assertFalse(j.has("retry"));
  }
}
