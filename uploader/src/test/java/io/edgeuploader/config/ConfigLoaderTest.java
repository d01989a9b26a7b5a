package io.edgeuploader.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void flagBeatsEnvironmentBeatsFileBeatsDefault() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(
        file,
        "sqlite: /file.db\ntable_path: /file-table\ninterval: 5m\n"
            + "batch_rows: 10\nstate_dir: /file-state\n");
    DaemonConfig c =
        ConfigLoader.load(
            Optional.of(file),
            Map.of("SQLITE_PATH", "/env.db", "UPLOAD_INTERVAL", "7", "TABLE_PATH", "/env-table"),
            Map.of(ConfigKey.SQLITE, "/flag.db"));
    assertEquals(Path.of("/flag.db"), c.sqlite());
    assertEquals("/env-table", c.table().tablePath());
    assertEquals(Duration.ofSeconds(7), c.interval());
    assertEquals(10, c.table().batchRows());
    assertEquals(Path.of("/file-state"), c.stateDir());
    assertEquals(ConfigValues.parseDuration(ConfigKey.BUSY_TIMEOUT.defaultValue), c.busyTimeout());
    assertEquals(Optional.empty(), c.table().table());
  }

  @Test
  void listKeysTakeAYamlSequenceOrCommasAndSizesTakeUnits() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(
        file,
        "sqlite: a.db\ntable_path: t\naudit_columns: [node_id, source_rowid]\n"
            + "target_file_size: 64MB\n");
    DaemonConfig c = ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
    assertEquals(
        java.util.Set.of(AuditColumn.NODE_ID, AuditColumn.SOURCE_ROWID), c.table().auditColumns());
    assertEquals(64L << 20, c.table().targetFileBytes());
    c = ConfigLoader.load(Optional.of(file), Map.of("AUDIT_COLUMNS", "ingested_at"), Map.of());
    assertEquals(java.util.Set.of(AuditColumn.INGESTED_AT), c.table().auditColumns());
    assertEquals(0, c.metricsPort(), "metrics are off unless asked for");
  }

  @Test
  void storageOptionsPassHadoopSettingsThroughAndRefuseOthers() throws Exception {
    Path file = dir.resolve("c.yaml");
    Files.writeString(
        file,
        "sqlite: a.db\ntable_path: s3://b/t\nstorage_options:\n"
            + "  fs.s3a.assumed.role.arn: arn:aws:iam::1:role/r\n  fs.s3a.threads.max: 4\n");
    DaemonConfig c = ConfigLoader.load(Optional.of(file), Map.of(), Map.of());
    assertEquals(
        Map.of("fs.s3a.assumed.role.arn", "arn:aws:iam::1:role/r", "fs.s3a.threads.max", "4"),
        c.table().storageOptions());
    Files.writeString(file, "sqlite: a.db\ntable_path: t\nstorage_options:\n  secret: x\n");
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.edgeuploader.UserError.class,
            () -> ConfigLoader.load(Optional.of(file), Map.of(), Map.of()));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("names start with 'fs.'"), e.getMessage());
  }

  @Test
  void unsupportedTablePathSchemesAreRefused() {
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.edgeuploader.UserError.class,
            () ->
                ConfigLoader.load(
                    Optional.empty(),
                    Map.of("SQLITE_PATH", "a", "TABLE_PATH", "gs://b/t"),
                    Map.of()));
    org.junit.jupiter.api.Assertions.assertTrue(
        e.getMessage().contains("unsupported scheme"), e.getMessage());
  }

  @Test
  void defaults() {
    DaemonConfig c =
        ConfigLoader.load(
            Optional.empty(),
            Map.of("SQLITE_PATH", "a.db", "TABLE_PATH", "t", "NODE_ID", "n"),
            Map.of());
    assertEquals(Duration.ofSeconds(300), c.interval());
    assertEquals(1_000_000, c.table().batchRows());
    assertEquals(Path.of("uploader-state"), c.stateDir());
    assertEquals("n", c.nodeId());
  }

  @Test
  void durationsTakeUnits() {
    assertEquals(Duration.ofSeconds(30), ConfigValues.parseDuration("30"));
    assertEquals(Duration.ofMinutes(5), ConfigValues.parseDuration("5m"));
    assertEquals(Duration.ofHours(1), ConfigValues.parseDuration("1 h"));
    assertEquals(Duration.ofMillis(250), ConfigValues.parseDuration("250ms"));
    assertEquals(null, ConfigValues.parseDuration("-1"));
  }

  @Test
  void closestKeyIsOnlyOfferedForTypos() {
    assertEquals(Optional.of("interval"), ConfigKey.closestYamlKey("intervall"));
    assertEquals(Optional.of("node_id"), ConfigKey.closestYamlKey("nodeid"));
    assertEquals(Optional.empty(), ConfigKey.closestYamlKey("completely_unrelated"));
  }
}
