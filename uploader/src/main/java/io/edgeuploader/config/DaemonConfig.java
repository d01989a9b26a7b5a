package io.edgeuploader.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The settings of one uploader process: the database it reads, who it is, where it keeps its cache,
 * its schedule and ports, and the tables it uploads (one, or one per entry of the config file's
 * {@code tables:} list). Built by {@link ConfigLoader}.
 *
 * @param sqlite the SQLite database
 * @param nodeId this node's name, in {@code _node_id} and in the source ids of its cursors
 * @param nodeIdSource where the node id came from
 * @param stateDir where the local cursor caches are kept
 * @param interval the time between passes of {@code run}
 * @param busyTimeout how long to wait for the application's lock on SQLite
 * @param metricsPort where {@code run} serves /metrics, /healthz and /readyz, or 0 for nowhere
 * @param metricsHost the address the metrics port listens on
 * @param otlpEndpoint where OpenTelemetry spans go (OTLP/HTTP), if anywhere
 * @param newSource upload even where the table holds this database's rows from another node id
 * @param tables what to upload, at least one
 * @param origins where the values came from ("flag --sqlite", "key 'sqlite' in FILE"), for messages
 *     about them
 */
public record DaemonConfig(
    Path sqlite,
    String nodeId,
    NodeIdentity.Source nodeIdSource,
    Path stateDir,
    Duration interval,
    Duration busyTimeout,
    int metricsPort,
    String metricsHost,
    Optional<URI> otlpEndpoint,
    boolean newSource,
    List<TableConfig> tables,
    Map<ConfigKey, String> origins) {

  public DaemonConfig {
    if (tables.isEmpty()) throw new IllegalArgumentException("no table to upload");
    if (interval.isNegative() || interval.isZero() || busyTimeout.isNegative()) {
      throw new IllegalArgumentException("durations must be positive");
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new IllegalArgumentException("not a port: " + metricsPort);
    }
    Set<String> named = new HashSet<>();
    for (TableConfig t : tables) {
      if (t.table().isPresent() && !named.add(t.table().get())) {
        throw new IllegalArgumentException("table " + t.table().get() + " listed twice");
      }
    }
    tables = List.copyOf(tables);
    origins = Map.copyOf(origins);
  }

  /** Where the value of {@code key} came from, or "the default". */
  public String origin(ConfigKey key) {
    return origins.getOrDefault(key, "the default");
  }

  /** The only table of a single-table configuration. */
  public TableConfig table() {
    if (tables.size() != 1) throw new IllegalStateException("the config lists several tables");
    return tables.get(0);
  }
}
