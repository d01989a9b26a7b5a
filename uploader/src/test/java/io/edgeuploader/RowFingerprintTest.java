package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeuploader.cursor.RowFingerprint;
import io.edgeuploader.source.RowChunk;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import io.edgeuploader.source.TableDetector;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows are fingerprinted straight from their chunk as they are uploaded and later, when looking for
 * deleted rows, from objects: both ways must agree for every kind of value, or a surviving row
 * would be taken for a new one.
 */
class RowFingerprintTest {
  @TempDir Path dir;

  @Test
  void aChunkRowHashesLikeTheSameRowAsObjects() throws Exception {
    TestDatabase db =
        new TestDatabase(dir).sql("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, a, b, c)");
    Random random = new Random(20261122);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.file);
        PreparedStatement ps =
            c.prepareStatement("INSERT INTO t VALUES (NULL, '2024-01-01T00:00:00Z', ?, ?, ?)")) {
      for (int row = 0; row < 2000; row++) {
        for (int k = 1; k <= 3; k++) MappingPropertyTest.bindRandom(ps, k, random);
        ps.executeUpdate();
      }
    }
    db.sql("INSERT INTO t VALUES (NULL, NULL, CAST(x'ff61' AS TEXT), 'ascii', x'00')");
    try (SqliteSource source = SqliteSource.open(db.file, Duration.ofSeconds(5))) {
      SourceTable t = TableDetector.describe(source, Optional.of("t"), Optional.of("ts"));
      RowChunk chunk = source.rowsAfter(t, 0, Long.MAX_VALUE, 5000);
      assertEquals(2001, chunk.size());
      for (int i = 0; i < chunk.size(); i++) {
        assertEquals(
            RowFingerprint.of(chunk.row(i)), RowFingerprint.of(chunk, i), chunk.row(i).toString());
      }
    }
  }
}
