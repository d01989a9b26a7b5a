package io.edgeuploader.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeuploader.Progress;
import io.edgeuploader.Uploader;
import io.edgeuploader.Uploaders;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.sink.DeltaSink;
import io.edgeuploader.sink.TableVersion;
import io.edgeuploader.source.TimestampColumn;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show the source table, the cursor, the Delta table's version and row count, and"
            + " how many rows wait to be uploaded. Writes nothing.")
final class StatusCommand implements Callable<Integer>, ConfiguredCommand {
  @Spec CommandSpec spec;
  @Mixin LogOptions log;

  @Option(
      names = "--json",
      description = "Print one JSON object (one line per table) instead of text.")
  boolean json;

  /** {@code key_at} (ISO-8601) and {@code key_age_s} (seconds before now), null when unknown. */
  private static void putTime(ObjectNode o, String key, Optional<Instant> at, Instant now) {
    if (at.isPresent()) {
      o.put(key + "_at", at.get().toString());
      o.put(key + "_age_s", Math.max(0, Duration.between(at.get(), now).toSeconds()));
    } else {
      o.putNull(key + "_at");
      o.putNull(key + "_age_s");
    }
  }

  @Override
  public Set<ConfigKey.Use> uses() {
    return EnumSet.of(ConfigKey.Use.TABLE, ConfigKey.Use.SOURCE);
  }

  @Option(
      names = "--fleet",
      description =
          "Every source that has committed to the Delta table (node, database, table, commits,"
              + " rows, watermark, last commit), the stalest first; needs only --table-path.")
  boolean fleet;

  @Override
  public Integer call() {
    if (fleet) {
      for (DeltaSink sink : ConfigOptions.deltaTables(spec)) {
        TableVersion t = sink.latest().orElseThrow(() -> ConfigOptions.noTable(sink));
        FleetReport.print(sink.tablePath(), t, json, System.out);
      }
      return 0;
    }
    DaemonConfig config = ConfigOptions.load(spec);
    try (Uploaders uploaders = Uploaders.open(config, System.getenv())) {
      for (int i = 0; i < uploaders.list().size(); i++) {
        if (i > 0 && !json) System.out.println();
        print(uploaders.list().get(i), config, config.tables().get(i));
      }
      return 0;
    }
  }

  private void print(Uploader uploader, DaemonConfig config, TableConfig tableConfig) {
    Progress p = uploader.progress();
    Cursor c = p.cursor();
    Instant now = Instant.now();
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("table", uploader.table().name());
    TimestampColumn ts = uploader.table().timestamp();
    if (ts.present()) o.put("timestamp_column", ts.name());
    else o.putNull("timestamp_column");
    if (c.hasWatermark()) o.put("watermark", c.watermarkText());
    else o.putNull("watermark");
    o.put("cursor_rowid", c.rowid());
    o.put("delta_version", p.table().map(t -> t.version()).orElse(-1L));
    o.put("delta_rows", p.deltaRows());
    o.put("pending_rows", p.pendingRows());
    putTime(o, "oldest_pending", p.oldestPending(), now);
    putTime(o, "last_commit", c.committedAt(), now);
    o.put("uploaded_rows", c.rows());
    ArrayNode pending = o.putArray("pending_columns");
    p.table()
        .map(uploader::schemaPlan)
        .ifPresent(plan -> plan.added().forEach(f -> pending.add(f.getName())));
    o.put("sqlite", config.sqlite().toString());
    if (tableConfig.landingPath().isPresent()) {
      o.putNull("table_path");
      o.put("landing_path", uploader.sink().location());
    } else {
      o.put("table_path", uploader.sink().location());
    }
    o.put("node_id", config.nodeId());
    o.put("node_id_source", config.nodeIdSource().text);
    o.put("source_id", uploader.appId());
    if (json) {
      System.out.println(o.toString());
    } else {
      int width = 18;
      o.fields()
          .forEachRemaining(
              e ->
                  System.out.printf(
                      "%-" + width + "s %s%n",
                      e.getKey() + ":",
                      e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
    }
  }
}
