package io.edgeuploader;

import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.RenamedNode;
import io.edgeuploader.cursor.SourceId;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.sink.Sink;
import io.edgeuploader.sink.TableVersion;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import java.util.Optional;

/**
 * Refuses, before anything is written, what the uploader cannot append without losing or
 * duplicating rows: a table whose schema the rows do not fit, and a database the table already
 * holds under another node id. {@code --dry-run} runs the same checks.
 */
final class Preflight {
  private final DaemonConfig node;
  private final TableConfig config;
  private final Sink sink;
  private final String appId;
  private boolean passed;

  Preflight(DaemonConfig node, TableConfig config, Sink sink, String appId) {
    this.node = node;
    this.config = config;
    this.sink = sink;
    this.appId = appId;
  }

  /** Checks once, until {@link #again}. */
  void check(SqliteSource db, SourceTable table, TableVersion t, boolean addsColumns) {
    if (passed) return;
    TableSchema.checkCompatible(
        sink.location(),
        t.schema(),
        t.partitionColumns(),
        table,
        config.auditColumns(),
        config.partitionBy(),
        addsColumns);
    if (t.cursor(appId).isEmpty() && !node.newSource()) {
      Optional<String> other = RenamedNode.find(db, table, appId, t.sources());
      if (other.isPresent()) throw alreadyUploaded(table, SourceId.nodeOf(other.get()));
    }
    passed = true;
  }

  /** The source was renewed (another file, another schema): the next check runs again. */
  void again() {
    passed = false;
  }

  private UserError alreadyUploaded(SourceTable table, String otherNode) {
    return new UserError(
        ExitCode.CONFIG,
        sink.location()
            + " already holds the rows of "
            + node.sqlite().getFileName()
            + " table "
            + table.name()
            + " from node id '"
            + otherNode
            + "', and node id '"
            + node.nodeId()
            + "' ("
            + node.origin(ConfigKey.NODE_ID)
            + ") is new to it: continue as that node with --node-id "
            + otherNode
            + " (NODE_ID), or upload them again on purpose with --new-source");
  }
}
