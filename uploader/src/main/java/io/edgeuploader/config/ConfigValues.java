package io.edgeuploader.config;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The merged values of one configuration, parsed: each refused in one line that names where the bad
 * value came from (flag, environment variable or file key), the value, and what is wanted.
 */
final class ConfigValues {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h)?");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,15})\\s*(KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

  private final Map<ConfigKey, String> v;
  private final Map<ConfigKey, String> origin;

  /**
   * @param v the value given for each key
   * @param origin where each value came from
   */
  ConfigValues(Map<ConfigKey, String> v, Map<ConfigKey, String> origin) {
    this.v = v;
    this.origin = origin;
  }

  /** The value given for {@code key}, or null if none (or blank). */
  String given(ConfigKey key) {
    return blankToNull(v.get(key));
  }

  boolean bool(ConfigKey key) {
    String text = value(key).toLowerCase(java.util.Locale.ROOT);
    return switch (text) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> throw invalid(key, text, "is not true or false");
    };
  }

  /** The value given for {@code key}, else its default. */
  String value(ConfigKey key) {
    String given = blankToNull(v.get(key));
    return given != null ? given : key.defaultValue;
  }

  /** Seconds as a bare number, or a number with ms, s, m or h. */
  static Duration parseDuration(String text) {
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

  Duration duration(ConfigKey key) {
    String text = value(key);
    Duration d = parseDuration(text);
    if (d == null || d.isZero()) {
      throw invalid(key, text, "is not a positive duration; use seconds (300) or ms, s, m, h (5m)");
    }
    return d;
  }

  int batchRows() {
    String text = value(ConfigKey.BATCH_ROWS);
    try {
      int n = Integer.parseInt(text.replace("_", ""));
      if (n > 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(ConfigKey.BATCH_ROWS, text, "is not a positive whole number of rows");
  }

  Set<AuditColumn> auditColumns() {
    String text = value(ConfigKey.AUDIT_COLUMNS);
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

  List<PartitionColumn> partitionBy() {
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

  Optional<URI> otlpEndpoint() {
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
        ConfigKey.OTLP_ENDPOINT,
        text,
        "is not an OTLP/HTTP endpoint; use http(s)://host:port (4318 by convention)");
  }

  int metricsPort() {
    String text = v.get(ConfigKey.METRICS_PORT);
    if (text == null || text.isEmpty()) return 0;
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65535) return port;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw invalid(ConfigKey.METRICS_PORT, text, "is not a TCP port (1-65535)");
  }

  /** Bytes as a bare number, or a number with KB, MB or GB (powers of 1024). */
  long targetFileBytes() {
    String text = value(ConfigKey.TARGET_FILE_SIZE);
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
        ConfigKey.TARGET_FILE_SIZE,
        text,
        "is not a positive size; use bytes or a number with KB, MB or GB (128MB)");
  }

  /** "flag --x: 'value' is not ...": where the bad value came from, the value, what is wanted. */
  UserError invalid(ConfigKey key, String text, String problem) {
    return new UserError(ExitCode.CONFIG, origin.get(key) + ": '" + text + "' " + problem);
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
