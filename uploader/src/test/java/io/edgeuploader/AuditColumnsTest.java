package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.config.ConfigKey;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditColumnsTest {
  @TempDir Path dir;

  private TestDatabase db() {
    return new TestDatabase(dir)
        .sql(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, v REAL)",
            "INSERT INTO t VALUES (7, '2024-01-01T00:00:00Z', 1.5)",
            "INSERT INTO t VALUES (9, '2024-01-01T00:00:01Z', 2.5)");
  }

  private static long micros(Instant i) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, i);
  }

  @Test
  void byDefaultOnlyTheNodeId() {
    TestDatabase db = db();
    db.uploadOnce();
    Map<String, Object> row = db.reader().rows().get(0);
    assertEquals("test-node", row.get("_node_id"));
    assertFalse(row.containsKey("_ingested_at"));
    assertFalse(row.containsKey("_source_rowid"));
    assertTrue(row.containsKey("_rescued_data"));
  }

  @Test
  void allThreeTraceEachRowToItsNodeCommitAndRowid() {
    TestDatabase db = db();
    long before = micros(Instant.now());
    db.uploadOnce(ConfigKey.AUDIT_COLUMNS, "source_rowid, ingested_at,node_id");
    long after = micros(Instant.now());
    List<Map<String, Object>> rows = db.reader().rows();
    assertEquals(2, rows.size());
    for (Map<String, Object> row : rows) {
      assertEquals(row.get("id"), row.get("_source_rowid"));
      long ingested = (Long) row.get("_ingested_at");
      assertTrue(before <= ingested && ingested <= after, ingested + " not in the upload");
      assertEquals("test-node", row.get("_node_id"));
    }
    assertEquals(rows.get(0).get("_ingested_at"), rows.get(1).get("_ingested_at"), "one commit");
  }

  @Test
  void noneLeavesOnlyTheRescueColumn() {
    TestDatabase db = db();
    db.uploadOnce(ConfigKey.AUDIT_COLUMNS, "none");
    Map<String, Object> row = db.reader().rows().get(0);
    assertFalse(row.containsKey("_node_id"));
    assertNull(row.get("_rescued_data"));
  }

  @Test
  void aTableCreatedWithoutAnAuditColumnIsNotSilentlyMissingIt() {
    TestDatabase db = db();
    db.uploadOnce();
    db.sql("INSERT INTO t VALUES (10, '2024-01-01T00:00:02Z', 3.5)");
    UserError e =
        assertThrows(
            UserError.class, () -> db.uploadOnce(ConfigKey.AUDIT_COLUMNS, "node_id,ingested_at"));
    assertEquals(ExitCode.SINK, e.exitCode());
    assertTrue(e.getMessage().contains("_ingested_at"), e.getMessage());
    assertTrue(e.getMessage().contains("when a table is created"), e.getMessage());
  }

  @Test
  void anUnknownAuditColumnIsAConfigError() {
    UserError e =
        assertThrows(UserError.class, () -> db().config(ConfigKey.AUDIT_COLUMNS, "node_id,host"));
    assertEquals(ExitCode.CONFIG, e.exitCode());
    assertTrue(e.getMessage().contains("'host'"), e.getMessage());
  }
}
