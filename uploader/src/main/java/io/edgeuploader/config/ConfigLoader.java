package io.edgeuploader.config;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import io.edgeuploader.sink.Storage;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Merges flags, environment, YAML file and defaults into one validated {@link DaemonConfig}. */
public final class ConfigLoader {
  static final String TABLES = ConfigFile.TABLES;
  private static final List<ConfigKey> PER_TABLE = ConfigFile.PER_TABLE;

  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,15})\\s*(KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

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
    if (blankToNull(m.values.get(ConfigKey.SQLITE)) == null) {
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
          blankToNull(env.get(key.envVar)),
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
    Path stateDir = Path.of(value(v, ConfigKey.STATE_DIR));
    NodeIdentity.Resolved node =
        NodeIdentity.resolve(
            Optional.ofNullable(blankToNull(v.get(ConfigKey.NODE_ID))), stateDir, env);
    return new DaemonConfig(
        Path.of(v.get(ConfigKey.SQLITE)),
        node.id(),
        node.source(),
        stateDir,
        duration(v, origin, ConfigKey.INTERVAL),
        duration(v, origin, ConfigKey.BUSY_TIMEOUT),
        metricsPort(v, origin),
        value(v, ConfigKey.METRICS_HOST),
        otlpEndpoint(v, origin),
        bool(v, origin, ConfigKey.NEW_SOURCE),
        tables,
        origin);
  }

  private static boolean bool(
      Map<ConfigKey, String> v, Map<ConfigKey, String> origin, ConfigKey key) {
    String text = value(v, key).toLowerCase(java.util.Locale.ROOT);
    return switch (text) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw invalid(origin, key, text, "is not true or false");
    };
  }

  private static TableConfig table(
      Map<ConfigKey, String> v, Map<ConfigKey, String> origin, Map<String, String> options) {
    String tablePath = blankToNull(v.get(ConfigKey.TABLE_PATH));
    Optional<String> landingPath = Optional.ofNullable(blankToNull(v.get(ConfigKey.LANDING_PATH)));
    for (ConfigKey key : List.of(ConfigKey.TABLE_PATH, ConfigKey.LANDING_PATH)) {
      String location = blankToNull(v.get(key));
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
        Optional.ofNullable(blankToNull(v.get(ConfigKey.TABLE))),
        Optional.ofNullable(blankToNull(v.get(ConfigKey.TIMESTAMP_COLUMN))),
        tablePath,
        landingPath,
        batchRows(v, origin),
        targetFileBytes(v, origin),
        auditColumns(v, origin),
        partitionBy(v, origin),
        options,
        CheckpointPolicy.named(value(v, ConfigKey.CHECKPOINT))
            .orElseThrow(
                () ->
                    invalid(
                        origin,
                        ConfigKey.CHECKPOINT,
                        v.get(ConfigKey.CHECKPOINT),
                        "is not a checkpoint policy; use auto, always or never")),
        SchemaEvolution.named(value(v, ConfigKey.SCHEMA_EVOLUTION))
            .orElseThrow(
                () ->
                    invalid(
                        origin,
                        ConfigKey.SCHEMA_EVOLUTION,
                        v.get(ConfigKey.SCHEMA_EVOLUTION),
                        "is not a schema evolution mode; use add_columns or rescue")));
  }

  /** The value given for {@code key}, else its default. */
  private static String value(Map<ConfigKey, String> v, ConfigKey key) {
    String given = blankToNull(v.get(key));
    return given != null ? given : key.defaultValue;
  }

  /** Seconds as a bare number, or a number with ms, s, m or h. */
  public static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) return null;
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static Duration duration(
      Map<ConfigKey, String> v, Map<ConfigKey, String> origin, ConfigKey key) {
    String text = value(v, key);
    Duration d = parseDuration(text);
    if (d == null || d.isZero()) {
      throw invalid(
          origin, key, text, "is not a positive duration; use seconds (300) or ms, s, m, h (5m)");
    }
    return d;
  }

  private static int batchRows(Map<ConfigKey, String> v, Map<ConfigKey, String> origin) {
    String text = value(v, ConfigKey.BATCH_ROWS);
    try {
      int n = Integer.parseInt(text.replace("_", ""));
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(origin, ConfigKey.BATCH_ROWS, text, "is not a positive whole number of rows");
  }

  private static Set<AuditColumn> auditColumns(
      Map<ConfigKey, String> v, Map<ConfigKey, String> origin) {
    String text = value(v, ConfigKey.AUDIT_COLUMNS);
    Set<AuditColumn> chosen = EnumSet.noneOf(AuditColumn.class);
    for (String part : text.split(",")) {
      String name = part.trim();
      if (name.isEmpty() || name.equals("none")) continue;
      chosen.add(
          AuditColumn.named(name)
              .orElseThrow(
                  () ->
                      new UserError(
                          ExitCode.CONFIG,
                          origin.get(ConfigKey.AUDIT_COLUMNS)
                              + ": unknown audit column '"
                              + name
                              + "'; choose from node_id, ingested_at, source_rowid (or none)")));
    }
    return Set.copyOf(chosen);
  }

  private static List<PartitionColumn> partitionBy(
      Map<ConfigKey, String> v, Map<ConfigKey, String> origin) {
    String text = v.get(ConfigKey.PARTITION_BY);
    if (text == null) return List.of();
    List<PartitionColumn> chosen = new ArrayList<>();
    for (String part : text.split(",")) {
      String name = part.trim();
      if (name.isEmpty() || name.equals("none")) continue;
      PartitionColumn column =
          PartitionColumn.named(name)
              .orElseThrow(
                  () ->
                      new UserError(
                          ExitCode.CONFIG,
                          origin.get(ConfigKey.PARTITION_BY)
                              + ": cannot partition by '"
                              + name
                              + "'; choose date and/or node_id (or none)"));
      if (!chosen.contains(column)) chosen.add(column);
    }
    return List.copyOf(chosen);
  }

  private static Optional<URI> otlpEndpoint(
      Map<ConfigKey, String> v, Map<ConfigKey, String> origin) {
    String text = blankToNull(v.get(ConfigKey.OTLP_ENDPOINT));
    if (text == null) return Optional.empty();
    try {
      URI uri = new URI(text);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null) {
        return Optional.of(uri);
      }
    } catch (java.net.URISyntaxException e) {
      // reported below
    }
    throw invalid(
        origin,
        ConfigKey.OTLP_ENDPOINT,
        text,
        "is not an OTLP/HTTP endpoint; use http(s)://host:port (4318 by convention)");
  }

  private static int metricsPort(Map<ConfigKey, String> v, Map<ConfigKey, String> origin) {
    String text = v.get(ConfigKey.METRICS_PORT);
    if (text == null || text.isEmpty()) return 0;
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(origin, ConfigKey.METRICS_PORT, text, "is not a TCP port (1-65535)");
  }

  /** Bytes as a bare number, or a number with KB, MB or GB (powers of 1024). */
  private static long targetFileBytes(Map<ConfigKey, String> v, Map<ConfigKey, String> origin) {
    String text = value(v, ConfigKey.TARGET_FILE_SIZE);
    Matcher m = SIZE.matcher(text.trim());
    if (m.matches()) {
      int shift =
          switch (m.group(2) == null ? "" : m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            default -> 0;
          };
      long n = Long.parseLong(m.group(1));
      if (n > 0 && n < (1L << (62 - shift))) return n << shift;
    }
    throw invalid(
        origin,
        ConfigKey.TARGET_FILE_SIZE,
        text,
        "is not a positive size; use bytes or a number with KB, MB or GB (128MB)");
  }

  /** "flag --x: 'value' is not ...": where the bad value came from, the value, what is wanted. */
  private static UserError invalid(
      Map<ConfigKey, String> origin, ConfigKey key, String text, String problem) {
    return new UserError(ExitCode.CONFIG, origin.get(key) + ": '" + text + "' " + problem);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
