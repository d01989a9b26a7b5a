package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.delta.kernel.Snapshot;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.StructField;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.sink.DeltaSink;
import io.edgeuploader.sink.TableVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Columns the application adds, drops and renames, on one node and across a mixed fleet. */
class SchemaEvolutionTest {
  @TempDir Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    ((Logger) LoggerFactory.getLogger("io.edgeuploader")).addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    ((Logger) LoggerFactory.getLogger("io.edgeuploader")).detachAppender(logs);
  }

  private boolean logged(String text) {
    return logs.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
  }

  private static List<Map<String, Object>> byId(TestDatabase db) {
    List<Map<String, Object>> rows = db.reader().rows();
    rows.sort(Comparator.comparing(r -> (Long) r.get("id")));
    return rows;
  }

  private static String commitFile(TestDatabase db, long version) throws Exception {
    return Files.readString(
        db.table.resolve("_delta_log").resolve(String.format("%020d.json", version)));
  }

  @Test
  void aColumnAddedInSqliteBecomesADeltaColumnInACommitOfItsOwn() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, temperature REAL)",
                "INSERT INTO t (ts, temperature) VALUES ('2024-01-01T00:00:00Z', 20.5)");
    db.uploadOnce();
    Snapshot created = db.reader().snapshot();
    assertEquals("name", created.getTableProperties().get("delta.columnMapping.mode"));
    db.sql(
        "ALTER TABLE t ADD COLUMN pressure REAL",
        "INSERT INTO t (ts, temperature, pressure) VALUES ('2024-01-01T00:00:01Z', 21, 1013.25)");
    assertEquals(1, db.uploadOnce().rows());

    Snapshot now = db.reader().snapshot();
    StructField pressure = now.getSchema().get("pressure");
    assertTrue(pressure.getDataType() instanceof DoubleType, now.getSchema().toString());
    assertTrue(pressure.isNullable());
    // Version 2 adds the column and nothing else; version 3 holds the row.
    String schemaChange = commitFile(db, 2);
    assertTrue(
        schemaChange.contains("\"metaData\"") && !schemaChange.contains("\"add\""), schemaChange);
    assertTrue(commitFile(db, 3).contains("\"add\""));
    List<Map<String, Object>> rows = byId(db);
    assertNull(rows.get(0).get("pressure"), "a row uploaded before has NULL there");
    assertEquals(1013.25, rows.get(1).get("pressure"));
    assertNull(rows.get(1).get("_rescued_data"), "nothing rescued any more");
    assertTrue(logged("event=columns_added table=t version=2 columns=pressure"));
  }

  @Test
  void droppedColumnsStayNullFromThenOnAndRenamedOnesAreNewColumns() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, a REAL, b TEXT, \"my value\" REAL)",
                "INSERT INTO t (ts, a, b, \"my value\") VALUES ('2024-01-01T00:00:00Z', 1, 'x', 5)");
    db.uploadOnce();
    db.sql(
        "ALTER TABLE t DROP COLUMN b",
        "ALTER TABLE t RENAME COLUMN a TO a2",
        "INSERT INTO t (ts, a2, \"my value\") VALUES ('2024-01-01T00:00:01Z', 2, 6)");
    assertEquals(1, db.uploadOnce().rows());
    List<Map<String, Object>> rows = byId(db);
    Map<String, Object> before = rows.get(0);
    Map<String, Object> after = rows.get(1);
    assertEquals("x", before.get("b"));
    assertNull(after.get("b"), "dropped in SQLite: still in Delta, NULL from then on");
    assertEquals(1.0, before.get("a"));
    assertNull(after.get("a"), "renamed: the old name stays, NULL from then on");
    assertEquals(2.0, after.get("a2"), "the new name is a new column");
    assertNull(before.get("a2"));
    assertEquals(6.0, after.get("my_value"), "names keep the naming rules");
  }

  @Test
  void aColumnOfAnotherTypeOnAnotherNodeIsRescuedWithAWarningAndNothingFails() throws Exception {
    Files.createDirectories(dir.resolve("a"));
    Files.createDirectories(dir.resolve("b"));
    TestDatabase a =
        new TestDatabase(dir.resolve("a"))
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, pressure REAL)",
                "INSERT INTO t (ts, pressure) VALUES ('2024-01-01T00:00:00Z', 1013.25)");
    TestDatabase b =
        new TestDatabase(dir.resolve("b"))
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, pressure TEXT)",
                "INSERT INTO t (ts, pressure) VALUES ('2024-02-01T00:00:00Z', 'high')");
    String table = dir.resolve("shared").toString();
    a.uploadOnce(ConfigKey.TABLE_PATH, table, ConfigKey.NODE_ID, "a");
    assertEquals(1, b.uploadOnce(ConfigKey.TABLE_PATH, table, ConfigKey.NODE_ID, "b").rows());
    assertTrue(
        logged("event=column_type_conflict table=t column=pressure table_type=double"),
        logs.list.toString());
    Map<String, Object> fromB =
        new DeltaTableReader(Path.of(table))
            .rows().stream().filter(r -> "b".equals(r.get("_node_id"))).findFirst().orElseThrow();
    assertNull(fromB.get("pressure"));
    assertEquals("{\"pressure\":\"high\"}", fromB.get("_rescued_data"), "nothing lost");
  }

  @Test
  void aTableWithoutColumnMappingChangesOnlyWhenUpgraded() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    db.uploadOnce(ConfigKey.SCHEMA_EVOLUTION, "rescue"); // as release 0.1 created tables
    var protocol = db.reader().snapshot().getProtocol().toString();
    db.sql(
        "ALTER TABLE t ADD COLUMN pressure REAL",
        "INSERT INTO t (ts, pressure) VALUES ('2024-01-01T00:00:01Z', 1000)");
    db.uploadOnce(); // add_columns, but the table has no column mapping
    assertEquals(protocol, db.reader().snapshot().getProtocol().toString(), "never silently");
    assertTrue(logged("event=columns_not_added table=t columns=pressure reason=no_column_mapping"));
    assertEquals("{\"pressure\":1000.0}", byId(db).get(1).get("_rescued_data"));

    DeltaSink sink = new DeltaSink("t", db.config().table(), Map.of());
    assertEquals(true, sink.upgrade().orElseThrow());
    assertEquals(false, sink.upgrade().orElseThrow(), "once only");
    db.sql("INSERT INTO t (ts, pressure) VALUES ('2024-01-01T00:00:02Z', 1001)");
    db.uploadOnce();
    List<Map<String, Object>> rows = byId(db);
    assertEquals("{\"pressure\":1000.0}", rows.get(1).get("_rescued_data"), "stays rescued");
    assertEquals(1001.0, rows.get(2).get("pressure"));
    assertEquals(3, rows.size());
  }

  /** Two nodes add the same column at the same moment: the commit that loses finds it there. */
  @Test
  void twoNodesAddingTheSameColumnAtOnceEndWithOneColumn() {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    db.uploadOnce();
    DeltaSink one = new DeltaSink("t", db.config().table(), Map.of());
    DeltaSink two = new DeltaSink("t", db.config().table(), Map.of());
    TableVersion seenByOne = one.latest().orElseThrow();
    TableVersion seenByTwo = two.latest().orElseThrow();
    List<StructField> pressure = List.of(new StructField("pressure", DoubleType.DOUBLE, true));
    TableVersion afterOne = one.addColumns(seenByOne, pressure);
    TableVersion afterTwo = two.addColumns(seenByTwo, pressure);
    assertEquals(afterOne.version(), afterTwo.version(), "no second schema change");
    long columns =
        afterTwo.schema().fields().stream().filter(f -> f.getName().equals("pressure")).count();
    assertEquals(1, columns);
  }

  @Test
  void dryRunAndStatusShowAPendingColumn() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z')");
    db.uploadOnce();
    db.sql("ALTER TABLE t ADD COLUMN pressure REAL");
    try (Uploader u = Uploader.open(db.config())) {
      ColumnChanges.Plan plan = u.schemaPlan(u.progress().table().orElseThrow());
      assertEquals(List.of("pressure"), plan.added().stream().map(StructField::getName).toList());
      assertTrue(plan.canAdd());
    }
    assertFalse(db.reader().snapshot().getSchema().fieldNames().contains("pressure"), "not yet");
  }
}
