package io.edgeuploader.source;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the column that holds each row's time: by declared type, by name, and by what the newest
 * values look like. Values decide: a column named "ts" full of counters is not a timestamp.
 */
final class TimestampDetector {
  static final int SAMPLE_SIZE = 100;

  private static final Set<String> NAMES =
      Set.of(
          "ts",
          "timestamp",
          "time",
          "datetime",
          "date_time",
          "created_at",
          "recorded_at",
          "inserted_at",
          "event_time",
          "measured_at",
          "reading_time",
          "observed_at",
          "sampled_at",
          "logged_at",
          "time_utc",
          "utc_time",
          "datetime_utc",
          "ts_utc",
          "created",
          "recorded");

  /** 1990-01-01 and 2200-01-01: integers outside this are counters or ids, not times. */
  private static final long PLAUSIBLE_FROM = 631_152_000_000_000L;

  private static final long PLAUSIBLE_TO = 7_258_118_400_000_000L;

  private TimestampDetector() {}

  private record Candidate(SourceColumn column, int score, EpochUnit unit, String reason) {}

  static Optional<TimestampColumn> detect(
      SqliteSource source, String table, List<SourceColumn> columns) {
    Candidate best = null;
    List<String> others = new ArrayList<>();
    for (SourceColumn column : columns) {
      Candidate c = assess(source, table, column);
      if (c == null) continue;
      if (best == null || c.score > best.score) {
        if (best != null) others.add(best.column.name());
        best = c;
      } else {
        others.add(c.column.name());
      }
    }
    if (best == null) return Optional.empty();
    String reason = best.reason + (others.isEmpty() ? "" : "; also considered " + others);
    return Optional.of(new TimestampColumn(best.column.name(), best.unit, reason));
  }

  static TimestampColumn named(
      SqliteSource source, String table, List<SourceColumn> columns, String name) {
    SourceColumn column =
        columns.stream()
            .filter(c -> c.name().equals(name))
            .findFirst()
            .or(() -> columns.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst())
            .orElseThrow(
                () ->
                    new UserError(
                        ExitCode.SOURCE,
                        source.file()
                            + ": table '"
                            + table
                            + "' has no column '"
                            + name
                            + "' (columns: "
                            + columns.stream().map(SourceColumn::name).toList()
                            + "); fix --timestamp-column / TIMESTAMP_COLUMN"));
    Candidate c = assess(source, table, column);
    EpochUnit unit = c != null ? c.unit : unitOf(source.sample(table, column.name(), SAMPLE_SIZE));
    return new TimestampColumn(column.name(), unit, "named in the configuration");
  }

  private static Candidate assess(SqliteSource source, String table, SourceColumn column) {
    String type = column.declaredType().toUpperCase(Locale.ROOT);
    String name = column.name().toLowerCase(Locale.ROOT);
    List<String> reasons = new ArrayList<>();
    int score = 0;
    boolean declared =
        type.contains("TIMESTAMP")
            || type.contains("DATETIME")
            || type.contains("DATE")
            || type.contains("TIME");
    if (declared) {
      score += type.contains("TIMESTAMP") || type.contains("DATETIME") ? 4 : 2;
      reasons.add("declared type " + column.declaredType());
    }
    boolean named =
        NAMES.contains(name)
            || name.endsWith("_ts")
            || name.endsWith("_at")
            || name.endsWith("_time")
            || name.endsWith("_timestamp");
    if (named) {
      score += 2;
      reasons.add("name '" + column.name() + "'");
    }
    List<Object> sample = source.sample(table, column.name(), SAMPLE_SIZE);
    EpochUnit unit = unitOf(sample);
    if (!sample.isEmpty()) {
      int plausible = 0;
      for (Object v : sample) {
        long micros = TimestampParser.toMicros(v, unit);
        if (micros >= PLAUSIBLE_FROM && micros < PLAUSIBLE_TO) plausible++;
      }
      double share = plausible / (double) sample.size();
      if (share >= 0.9) {
        score += 3;
        reasons.add(
            plausible + " of " + sample.size() + " newest values are " + kind(sample, unit));
      } else if (share < 0.5 || !(declared || named)) {
        return null;
      } else {
        reasons.add("only " + plausible + " of " + sample.size() + " newest values are times");
      }
    } else if (!(declared || named)) {
      return null;
    } else {
      reasons.add("no values yet");
    }
    return new Candidate(column, score, unit, String.join(", ", reasons));
  }

  /** Integers' unit by the magnitude of a typical (median) value; seconds if there are none. */
  static EpochUnit unitOf(List<Object> sample) {
    List<Long> magnitudes = new ArrayList<>();
    for (Object v : sample) {
      if (v instanceof Long l) magnitudes.add(Math.abs(l));
      if (v instanceof String s && s.trim().matches("-?\\d{1,19}")) {
        try {
          magnitudes.add(Math.abs(Long.parseLong(s.trim())));
        } catch (NumberFormatException e) {
          // not an epoch after all; the parser will say so per value
        }
      }
    }
    if (magnitudes.isEmpty()) return EpochUnit.SECONDS;
    magnitudes.sort(null);
    return EpochUnit.forMagnitude(magnitudes.get(magnitudes.size() / 2));
  }

  private static String kind(List<Object> sample, EpochUnit unit) {
    Object first = sample.get(0);
    if (first instanceof String s && TimestampParser.parseIso(s) != TimestampParser.INVALID) {
      return "ISO-8601 text";
    }
    if (first instanceof Double d && d > 1_000_000 && d < 10_000_000) return "Julian day numbers";
    return "epoch " + unit.name().toLowerCase(Locale.ROOT);
  }
}
