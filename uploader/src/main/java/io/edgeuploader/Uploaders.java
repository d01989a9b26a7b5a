package io.edgeuploader;

import io.edgeuploader.config.UploaderConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The uploaders of one configuration: one per table of its {@code tables:} list (or the one table),
 * each with its own Delta table and cursor, sharing one set of metrics.
 */
public final class Uploaders implements AutoCloseable {
  private final List<Uploader> all;
  private final Metrics metrics;

  private Uploaders(List<Uploader> all, Metrics metrics) {
    this.all = List.copyOf(all);
    this.metrics = metrics;
  }

  /** Opens every table; if one cannot be opened, closes those already open and rethrows. */
  public static Uploaders open(List<UploaderConfig> configs, Map<String, String> env) {
    Metrics metrics = new Metrics(Clock.systemUTC());
    List<Uploader> opened = new ArrayList<>();
    try {
      for (UploaderConfig config : configs) opened.add(Uploader.open(config, env, metrics));
    } catch (RuntimeException e) {
      opened.forEach(Uploader::close);
      throw e;
    }
    return new Uploaders(opened, metrics);
  }

  public List<Uploader> list() {
    return all;
  }

  public Metrics metrics() {
    return metrics;
  }

  @Override
  public void close() {
    all.forEach(Uploader::close);
  }
}
