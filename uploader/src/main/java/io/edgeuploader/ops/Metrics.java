package io.edgeuploader.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What an operator watches from outside: rows and bytes uploaded, commits and their duration,
 * failures by kind, and how far behind the database each table is. Served by {@code run
 * --metrics-port} in Prometheus text format; also the source of {@code /readyz}.
 */
public final class Metrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Clock clock;

  private final Counter rowsUploaded =
      Counter.builder()
          .name("uploader_rows_uploaded_total")
          .help("Rows committed to the Delta table")
          .labelNames("table")
          .register(registry);
  private final Counter valuesRescued =
      Counter.builder()
          .name("uploader_values_rescued_total")
          .help("Values that did not fit their column, kept in _rescued_data")
          .labelNames("table")
          .register(registry);
  private final Counter commits =
      Counter.builder()
          .name("uploader_commits_total")
          .help("Delta commits made")
          .labelNames("table")
          .register(registry);
  private final Histogram commitDuration =
      Histogram.builder()
          .name("uploader_commit_duration_seconds")
          .help("Time from reading a commit's first row to its Delta commit")
          .unit(Unit.SECONDS)
          .classicOnly()
          .classicUpperBounds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120)
          .labelNames("table")
          .register(registry);
  private final Counter conflicts =
      Counter.builder()
          .name("uploader_commit_conflicts_total")
          .help("Commit attempts lost to other writers (each retried after a random wait)")
          .labelNames("table")
          .register(registry);
  private final Counter bytesWritten =
      Counter.builder()
          .name("uploader_bytes_written_total")
          .help("Bytes of Parquet data files committed")
          .labelNames("table")
          .register(registry);
  private final Counter errors =
      Counter.builder()
          .name("uploader_errors_total")
          .help("Failed passes by kind: store (Delta table or its storage), sqlite")
          .labelNames("kind")
          .register(registry);
  private final Counter retries =
      Counter.builder()
          .name("uploader_retries_total")
          .help("Passes retried after a failure")
          .register(registry);
  private final Gauge rowsPending =
      Gauge.builder()
          .name("uploader_rows_pending")
          .help("Rows in SQLite not yet uploaded, as of the end of the last pass")
          .labelNames("table")
          .register(registry);
  private final Gauge lastSuccess =
      Gauge.builder()
          .name("uploader_last_success_timestamp_seconds")
          .help("When a pass last succeeded (Unix time)")
          .unit(Unit.SECONDS)
          .register(registry);
  private final Gauge deltaVersion =
      Gauge.builder()
          .name("uploader_delta_version")
          .help("Version of the Delta table after this uploader's last commit")
          .labelNames("table")
          .register(registry);

  /** Per store (scheme and bucket), where its request and byte counts come from. */
  private final Map<String, Supplier<Map<String, Long>>> stores = new ConcurrentHashMap<>();

  /** Per table, the timestamp of the oldest row not yet uploaded, if any is pending. */
  private final Map<String, Optional<Instant>> oldestPending = new ConcurrentHashMap<>();

  /** Per table: when it last succeeded and last failed, and why; readiness looks at every one. */
  private record Health(Instant succeeded, Instant failed, String error) {}

  private final Map<String, Health> health = new ConcurrentHashMap<>();

  public Metrics(Clock clock) {
    this.clock = clock;
    GaugeWithCallback.builder()
        .name("uploader_oldest_pending_row_age_seconds")
        .help("Age of the oldest row not yet uploaded, by its timestamp column (0 when none)")
        .unit(Unit.SECONDS)
        .labelNames("table")
        .callback(
            callback ->
                oldestPending.forEach(
                    (table, oldest) ->
                        callback.call(
                            oldest
                                .map(t -> Math.max(0, secondsBetween(t, clock.instant())))
                                .orElse(0.0),
                            table)))
        .register(registry);
    CounterWithCallback.builder()
        .name("uploader_store_requests_total")
        .help("Requests to the table's store by kind (get, head, list, put, delete, copy; S3)")
        .labelNames("store", "request")
        .callback(
            callback ->
                stores.forEach(
                    (store, counts) ->
                        counts
                            .get()
                            .forEach(
                                (kind, n) -> {
                                  if (!kind.endsWith("_bytes")) callback.call(n, store, kind);
                                })))
        .register(registry);
    CounterWithCallback.builder()
        .name("uploader_store_bytes_total")
        .help("Bytes read from and written to the table's store (S3)")
        .labelNames("store", "direction")
        .callback(
            callback ->
                stores.forEach(
                    (store, counts) -> {
                      Map<String, Long> c = counts.get();
                      if (c.containsKey("read_bytes")) {
                        callback.call(c.get("read_bytes"), store, "read");
                        callback.call(c.get("write_bytes"), store, "write");
                      }
                    }))
        .register(registry);
  }

  /**
   * Counts a store's requests and bytes (read from the file system at each scrape); tables in the
   * same bucket share the file system, so the store is counted once.
   */
  public void watchStore(String store, Supplier<Map<String, Long>> counts) {
    stores.putIfAbsent(store, counts);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void committed(
      String table, long rows, long rescued, long bytes, long version, long nanos, int attempts) {
    conflicts.labelValues(table).inc(attempts - 1);
    rowsUploaded.labelValues(table).inc(rows);
    valuesRescued.labelValues(table).inc(rescued);
    commits.labelValues(table).inc();
    bytesWritten.labelValues(table).inc(bytes);
    commitDuration.labelValues(table).observe(nanos / 1e9);
    deltaVersion.labelValues(table).set(version);
    // A long backfill is progress too: readiness should not wait for its pass to end.
    succeeded(table);
  }

  private void succeeded(String table) {
    Instant now = clock.instant();
    health.merge(
        table, new Health(now, null, ""), (old, x) -> new Health(now, old.failed, old.error));
    lastSuccess.set(now.toEpochMilli() / 1000.0);
  }

  /** A pass ended well; {@code pending} rows remain, the oldest stamped {@code oldest}. */
  public void passSucceeded(String table, long pending, Optional<Instant> oldest) {
    succeeded(table);
    rowsPending.labelValues(table).set(pending);
    oldestPending.put(table, oldest);
  }

  /** A pass failed and will be retried. */
  public void passFailed(String table, String kind, String error) {
    Instant now = clock.instant();
    health.merge(
        table, new Health(null, now, error), (old, x) -> new Health(old.succeeded, now, error));
    errors.labelValues(kind).inc();
    retries.inc();
  }

  /**
   * Ready when every table's last pass succeeded, no longer ago than {@code within}; otherwise the
   * reason, for the body of {@code /readyz}.
   */
  public Optional<String> notReadyBecause(Duration within) {
    if (health.isEmpty()) return Optional.of("no pass has finished yet");
    for (Map.Entry<String, Health> e : health.entrySet()) {
      Health h = e.getValue();
      if (h.failed != null && (h.succeeded == null || h.failed.isAfter(h.succeeded))) {
        return Optional.of("the last pass of table " + e.getKey() + " failed: " + h.error);
      }
      if (h.succeeded.plus(within).isBefore(clock.instant())) {
        return Optional.of("table " + e.getKey() + " has not succeeded since " + h.succeeded);
      }
    }
    return Optional.empty();
  }

  private static double secondsBetween(Instant from, Instant to) {
    return Duration.between(from, to).toMillis() / 1000.0;
  }
}
