package io.edgeuploader.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --log-format json}: one JSON object per line, for log aggregation. The uploader's own
 * lines are {@code event=name key=value ...}; each pair becomes a field (whole numbers as JSON
 * numbers), so {@code event=commit table=t rows=5 version=3 duration_ms=40} is queryable as it
 * stands. Lines of the libraries keep their text in {@code message}.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * key=value, the value one word or "quoted": a quoted value (an error message, say) may hold
   * quotes itself, so it ends at the first quote followed by the next pair, a ';' or ',', or the
   * end of the line.
   */
  private static final Pattern PAIR =
      Pattern.compile("([a-z][a-z0-9_]*)=(?:\"(.*?)\"(?=[;,]|\\s+[a-z][a-z0-9_]*=|\\s*$)|(\\S+))");

  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d{1,18}");

  @Override
  public String doLayout(ILoggingEvent event) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      json.writeStringField("level", event.getLevel().toString());
      String logger = event.getLoggerName();
      json.writeStringField("logger", logger.substring(logger.lastIndexOf('.') + 1));
      String message = event.getFormattedMessage();
      if (message.startsWith("event=")) writePairs(json, message);
      else json.writeStringField("message", message);
      IThrowableProxy thrown = event.getThrowableProxy();
      if (thrown != null) json.writeStringField("stack", ThrowableProxyUtil.asString(thrown));
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.append('\n').toString();
  }

  private static void writePairs(JsonGenerator json, String message) throws IOException {
    Matcher m = PAIR.matcher(message);
    StringBuilder rest = new StringBuilder();
    int end = 0;
    while (m.find()) {
      rest.append(message, end, m.start());
      end = m.end();
      String key = m.group(1);
      String bare = m.group(3);
      if (bare == null) json.writeStringField(key, m.group(2));
      else if (WHOLE_NUMBER.matcher(bare).matches())
        json.writeNumberField(key, Long.parseLong(bare));
      else json.writeStringField(key, bare);
    }
    rest.append(message.substring(end));
    String text = rest.toString().replaceAll("^[\\s;,]+|\\s+$", "");
    if (!text.isEmpty()) json.writeStringField("message", text);
  }
}
