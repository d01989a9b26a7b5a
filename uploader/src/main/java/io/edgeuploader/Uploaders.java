package io.edgeuploader;

import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.ops.Metrics;
import io.edgeuploader.ops.Tracing;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The uploaders of one configuration: one per table of its {@code tables:} list (or the one table),
 * each with its own Delta table and cursor, sharing the metrics and the tracer.
 */
public final class Uploaders implements AutoCloseable {
  private final List<Uploader> all;
  private final Metrics metrics;
  private final Tracing tracing;

  private Uploaders(List<Uploader> all, Metrics metrics, Tracing tracing) {
    this.all = List.copyOf(all);
    this.metrics = metrics;
    this.tracing = tracing;
  }

  /** Opens every table; if one cannot be opened, closes those already open and rethrows. */
  public static Uploaders open(DaemonConfig config, Map<String, String> env) {
    Metrics metrics = new Metrics(Clock.systemUTC());
    Tracing tracing =
        config.otlpEndpoint().map(u -> Tracing.otlp(u, config.nodeId())).orElseGet(Tracing::off);
    List<Uploader> opened = new ArrayList<>();
    try {
      for (TableConfig table : config.tables()) {
        Uploader u = Uploader.open(config, table, env, Clock.systemUTC(), metrics, tracing);
        opened.add(u);
        var statistics = u.sink().statistics();
        metrics.watchStore(statistics.store(), statistics::counts);
      }
    } catch (RuntimeException e) {
      opened.forEach(Uploader::close);
      tracing.close();
      throw e;
    }
    return new Uploaders(opened, metrics, tracing);
  }

  public List<Uploader> list() {
    return all;
  }

  public Metrics metrics() {
    return metrics;
  }

  /** Sends the spans still batched (a daemon does this before its stop grace period ends). */
  public void flushTraces() {
    tracing.flush();
  }

  @Override
  public void close() {
    all.forEach(Uploader::close);
    tracing.close();
  }
}
