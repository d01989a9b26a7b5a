package io.edgeuploader.config;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import io.edgeuploader.sink.Storage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** Merges flags, environment, YAML file and defaults into one validated {@link DaemonConfig}. */
public final class ConfigLoader {
  static final String TABLES = ConfigFile.TABLES;
  private static final List<ConfigKey> PER_TABLE = ConfigFile.PER_TABLE;

  private ConfigLoader() {}

  /**
   * The settings of the process and of each table to upload: one table, or one per entry of the
   * file's {@code tables:} list, each entry giving its table, timestamp column and Delta table
   * path.
   *
   * @param file the YAML file, if one was given
   * @param env the process environment (a parameter so tests need not mutate the real one)
   * @param flags values given on the command line
   */
  public static DaemonConfig load(
      Optional<Path> file, Map<String, String> env, Map<ConfigKey, String> flags) {
    Merged m = merge(file, env, flags);
    if (ConfigValues.blankToNull(m.values.get(ConfigKey.SQLITE)) == null) {
      throw new UserError(
          ExitCode.CONFIG,
          "no SQLite database given: pass --sqlite PATH, set SQLITE_PATH, or put 'sqlite:' in the"
              + " config file");
    }
    return daemon(m.values, m.origin, tables(m), env);
  }

  /**
   * The tables of a configuration, without the source: what {@code maintain} and {@code status
   * --fleet} need, which read only the Delta tables.
   */
  public static List<TableConfig> loadTables(
      Optional<Path> file, Map<String, String> env, Map<ConfigKey, String> flags) {
    return tables(merge(file, env, flags));
  }

  /** The values of every key, with where each came from, and the file's own parts. */
  private record Merged(
      Optional<Path> file,
      Map<ConfigKey, String> values,
      Map<ConfigKey, String> origin,
      List<Map<ConfigKey, String>> tables,
      Map<String, String> storageOptions) {}

  private static Merged merge(
      Optional<Path> file, Map<String, String> env, Map<ConfigKey, String> flags) {
    Map<String, String> storageOptions = new TreeMap<>();
    List<Map<ConfigKey, String>> tables = new ArrayList<>();
    Map<ConfigKey, String> fromFile =
        file.map(f -> ConfigFile.read(f, storageOptions, tables)).orElse(Map.of());
    Map<ConfigKey, String> merged = new EnumMap<>(ConfigKey.class);
    Map<ConfigKey, String> origin = new EnumMap<>(ConfigKey.class);
    for (ConfigKey key : ConfigKey.values()) {
      String fileOrigin = file.map(f -> "key '" + key.yamlKey + "' in " + f).orElse("");
      pick(key, flags.get(key), "flag " + key.flag, merged, origin);
      pick(
          key,
          ConfigValues.blankToNull(env.get(key.envVar)),
          "environment variable " + key.envVar,
          merged,
          origin);
      pick(key, relativeTo(file, key, fromFile.get(key)), fileOrigin, merged, origin);
    }
    return new Merged(file, merged, origin, tables, storageOptions);
  }

  private static List<TableConfig> tables(Merged m) {
    Optional<Path> file = m.file;
    Map<ConfigKey, String> merged = m.values;
    Map<ConfigKey, String> origin = m.origin;
    List<Map<ConfigKey, String>> tables = m.tables;
    Map<String, String> storageOptions = m.storageOptions;
    List<TableConfig> configs = new ArrayList<>();
    if (tables.isEmpty()) configs.add(table(merged, origin, storageOptions));
    Set<String> names = new java.util.HashSet<>();
    for (int i = 0; i < tables.size(); i++) {
      Map<ConfigKey, String> one = new EnumMap<>(merged);
      Map<ConfigKey, String> oneOrigin = new EnumMap<>(origin);
      for (ConfigKey key : PER_TABLE) {
        if (merged.containsKey(key)) {
          throw new UserError(
              ExitCode.CONFIG,
              origin.get(key)
                  + " conflicts with the '"
                  + TABLES
                  + ":' list in "
                  + file.get()
                  + "; give "
                  + key.yamlKey
                  + " in each entry of the list instead");
        }
        String value = relativeTo(file, key, tables.get(i).get(key));
        if (value != null) {
          one.put(key, value);
          oneOrigin.put(key, "key '" + key.yamlKey + "' of tables[" + i + "] in " + file.get());
        }
      }
      String table = one.get(ConfigKey.TABLE);
      if (table == null
          || table.isEmpty()
          || !(one.containsKey(ConfigKey.TABLE_PATH) || one.containsKey(ConfigKey.LANDING_PATH))) {
        throw new UserError(
            ExitCode.CONFIG,
            "tables["
                + i
                + "] in "
                + file.get()
                + " needs both 'table' and 'table_path' (or 'landing_path'; and may give"
                + " 'timestamp_column')");
      }
      if (!names.add(table)) {
        throw new UserError(
            ExitCode.CONFIG,
            "table '" + table + "' appears twice in '" + TABLES + ":' of " + file.get());
      }
      configs.add(table(one, oneOrigin, storageOptions));
    }
    return configs;
  }

  /**
   * A relative path in the config file means relative to the file, as in other tools' config files
   * (an installed config does not depend on the directory it is started from). Flags and
   * environment values stay relative to the working directory.
   */
  private static String relativeTo(Optional<Path> file, ConfigKey key, String value) {
    if (value == null || file.isEmpty() || !key.isPath() || value.isBlank()) return value;
    if (key == ConfigKey.TABLE_PATH && Storage.scheme(value) != null) return value;
    Path p = Path.of(value.strip());
    if (p.isAbsolute()) return value;
    Path dir = file.get().toAbsolutePath().getParent();
    return dir.resolve(p).normalize().toString();
  }

  private static void pick(
      ConfigKey key,
      String value,
      String from,
      Map<ConfigKey, String> merged,
      Map<ConfigKey, String> origin) {
    if (value != null && !merged.containsKey(key)) {
      merged.put(key, value.trim());
      origin.put(key, from);
    }
  }

  private static DaemonConfig daemon(
      Map<ConfigKey, String> v,
      Map<ConfigKey, String> origin,
      List<TableConfig> tables,
      Map<String, String> env) {
    ConfigValues c = new ConfigValues(v, origin);
    Path stateDir = Path.of(c.value(ConfigKey.STATE_DIR));
    NodeIdentity.Resolved node =
        NodeIdentity.resolve(Optional.ofNullable(c.given(ConfigKey.NODE_ID)), stateDir, env);
    return new DaemonConfig(
        Path.of(v.get(ConfigKey.SQLITE)),
        node.id(),
        node.source(),
        stateDir,
        c.duration(ConfigKey.INTERVAL),
        c.duration(ConfigKey.BUSY_TIMEOUT),
        c.metricsPort(),
        c.value(ConfigKey.METRICS_HOST),
        c.otlpEndpoint(),
        c.bool(ConfigKey.NEW_SOURCE),
        tables,
        origin);
  }

  private static TableConfig table(
      Map<ConfigKey, String> v, Map<ConfigKey, String> origin, Map<String, String> options) {
    ConfigValues c = new ConfigValues(v, origin);
    String tablePath = c.given(ConfigKey.TABLE_PATH);
    Optional<String> landingPath = Optional.ofNullable(c.given(ConfigKey.LANDING_PATH));
    for (ConfigKey key : List.of(ConfigKey.TABLE_PATH, ConfigKey.LANDING_PATH)) {
      String location = c.given(key);
      if (location == null) continue;
      try {
        Storage.kind(location);
      } catch (IllegalArgumentException e) {
        throw new UserError(
            ExitCode.CONFIG,
            origin.get(key)
                + ": '"
                + location
                + "' uses an unsupported scheme;"
                + " use a local path, file:, s3://, s3a://, abfs:// or abfss://");
      }
    }
    if (tablePath != null && landingPath.isPresent()) {
      throw new UserError(
          ExitCode.CONFIG,
          origin.get(ConfigKey.TABLE_PATH)
              + " and "
              + origin.get(ConfigKey.LANDING_PATH)
              + " both say where rows go; give table_path (a Delta table) or landing_path (files"
              + " for Auto Loader), not both");
    }
    return new TableConfig(
        Optional.ofNullable(c.given(ConfigKey.TABLE)),
        Optional.ofNullable(c.given(ConfigKey.TIMESTAMP_COLUMN)),
        tablePath,
        landingPath,
        c.batchRows(),
        c.targetFileBytes(),
        c.auditColumns(),
        c.partitionBy(),
        options,
        CheckpointPolicy.named(c.value(ConfigKey.CHECKPOINT))
            .orElseThrow(
                () ->
                    c.invalid(
                        ConfigKey.CHECKPOINT,
                        v.get(ConfigKey.CHECKPOINT),
                        "is not a checkpoint policy; use auto, always or never")),
        SchemaEvolution.named(c.value(ConfigKey.SCHEMA_EVOLUTION))
            .orElseThrow(
                () ->
                    c.invalid(
                        ConfigKey.SCHEMA_EVOLUTION,
                        v.get(ConfigKey.SCHEMA_EVOLUTION),
                        "is not a schema evolution mode; use add_columns or rescue")));
  }
}
