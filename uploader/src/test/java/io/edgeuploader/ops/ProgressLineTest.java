package io.edgeuploader.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.TestDatabase;
import io.edgeuploader.Uploader;
import io.edgeuploader.cli.SampleDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProgressLineTest {
  @TempDir Path dir;

  @Test
  void showsDoneTotalRateAndTimeLeft() {
    long[] now = {0};
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ProgressLine p =
        new ProgressLine(
            new PrintStream(bytes, true, StandardCharsets.UTF_8), 1_000_000, () -> now[0]);
    now[0] = 2_000_000_000L;
    p.advance(500_000);
    assertEquals(
        "uploading 500,000 / 1,000,000 rows (50%), 250,000 rows/s, 2s left", p.line(now[0]));
    assertTrue(bytes.toString(StandardCharsets.UTF_8).endsWith("left\r"), "redrawn in place");
  }

  @Test
  void aBackfillOnATerminalShowsProgressASmallPassDoesNot() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 100_000, java.time.Instant.parse("2024-01-01T00:00:00Z"), 1);
    ByteArrayOutputStream terminal = new ByteArrayOutputStream();
    try (Uploader u = Uploader.open(db.config())) {
      u.showProgressOn(new PrintStream(terminal, true, StandardCharsets.UTF_8));
      u.uploadPending(() -> false);
      assertTrue(
          terminal.toString(StandardCharsets.UTF_8).contains("/ 100,000 rows (100%)"),
          terminal.toString(StandardCharsets.UTF_8));
      terminal.reset();
      SampleDatabase.append(db.file, 10, java.time.Instant.parse("2024-02-01T00:00:00Z"), 2);
      u.uploadPending(() -> false);
      assertEquals("", terminal.toString(StandardCharsets.UTF_8), "nothing for a small pass");
    }
    assertEquals(100_010, db.reader().rows().size());
  }
}
