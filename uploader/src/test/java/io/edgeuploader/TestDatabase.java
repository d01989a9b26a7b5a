package io.edgeuploader;

import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.ConfigLoader;
import io.edgeuploader.config.DaemonConfig;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** A real SQLite file in a test's temp dir, written the way an application would. */
public final class TestDatabase {
  public final Path dir;
  public final Path file;
  public final Path table;
  public final Path state;

  public TestDatabase(Path dir) {
    this(dir, "source.db");
  }

  /** The database {@code databaseFile} in {@code dir}, its Delta table at dir/delta. */
  public TestDatabase(Path dir, String databaseFile) {
    this.dir = dir;
    this.file = dir.resolve(databaseFile);
    this.table = dir.resolve("delta");
    this.state = dir.resolve("state");
  }

  public TestDatabase sql(String... statements) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      for (String sql : statements) s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  public long count(String sql) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A config for this database; extra flags as key/value pairs override the defaults. */
  public DaemonConfig config(Object... extra) {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    flags.put(ConfigKey.SQLITE, file.toString());
    flags.put(ConfigKey.TABLE_PATH, table.toString());
    flags.put(ConfigKey.STATE_DIR, state.toString());
    flags.put(ConfigKey.NODE_ID, "test-node");
    for (int i = 0; i < extra.length; i += 2) {
      flags.put((ConfigKey) extra[i], String.valueOf(extra[i + 1]));
    }
    return ConfigLoader.load(Optional.empty(), Map.of(), flags);
  }

  /** One `once`: a fresh uploader, as a new process would have. */
  public PassResult uploadOnce(Object... extra) {
    try (Uploader u = Uploader.open(config(extra))) {
      return u.uploadPending(() -> false);
    }
  }

  public DeltaTableReader reader() {
    return new DeltaTableReader(table);
  }
}
