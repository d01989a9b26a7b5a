package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.cli.SampleDatabase;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.sink.SinkException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed while Kernel writes a checkpoint leaves half a Parquet file behind. */
class DamagedCheckpointTest {
  @TempDir Path dir;

  @Test
  void aTruncatedCheckpointIsRemovedAndUploadsGoOnExactlyOnce() throws Exception {
    TestDatabase db = new TestDatabase(dir);
    SampleDatabase.append(db.file, 1000, Instant.parse("2024-01-01T00:00:00Z"), 1);
    db.uploadOnce(ConfigKey.BATCH_ROWS, 100); // versions 1-10: a checkpoint at 10
    Path checkpoint = db.table.resolve("_delta_log/00000000000000000010.checkpoint.parquet");
    assertTrue(Files.exists(checkpoint));
    try (RandomAccessFile f = new RandomAccessFile(checkpoint.toFile(), "rw")) {
      f.setLength(f.length() / 2); // the footer is gone, as after a kill -9 mid-write
    }

    SampleDatabase.append(db.file, 50, Instant.parse("2024-02-01T00:00:00Z"), 2);
    // The pass that meets it removes it and fails as a store problem does: retried, like any.
    SinkException e = assertThrows(SinkException.class, () -> db.uploadOnce());
    assertTrue(e.getMessage().contains("damaged checkpoint, now removed"), e.getMessage());
    assertFalse(Files.exists(checkpoint));
    PassResult retry = db.uploadOnce();
    assertEquals(50, retry.rows());
    CrashIT.assertExactlyOnce(db);
  }
}
