package io.edgeuploader.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.cursor.SourceId;
import io.edgeuploader.sink.TableVersion;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet as the table itself tells it: every source that has committed, from its cursor (node,
 * database, table, commits, rows, watermark, last commit), the stalest first, so an operator sees
 * which nodes lag without reaching into them. Read from the table's domain metadata alone.
 */
final class FleetReport {
  private FleetReport() {}

  private record Source(String id, Cursor cursor) {
    Optional<Instant> lastCommit() {
      return cursor.committedAt();
    }
  }

  static void print(String tablePath, TableVersion table, boolean json, PrintStream out) {
    Instant now = Instant.now();
    List<Source> sources = new ArrayList<>();
    for (Map.Entry<String, Cursor> e : table.sources().entrySet()) {
      sources.add(new Source(e.getKey(), e.getValue()));
    }
    // Unknown times (cursors from before release 0.2) first, as the stalest.
    sources.sort(
        Comparator.comparing((Source s) -> s.lastCommit().orElse(Instant.MIN))
            .thenComparing(Source::id));
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode o = mapper.createObjectNode();
      o.put("table_path", tablePath);
      o.put("delta_version", table.version());
      o.put("sources", sources.size());
      ArrayNode list = o.putArray("nodes");
      for (Source s : sources) list.add(json(mapper, s, now));
      out.println(o);
      return;
    }
    out.printf(
        "%s at version %d: %d sources, stalest first%n",
        tablePath, table.version(), sources.size());
    out.printf(
        "  %-24s %-18s %-18s %8s %12s %-22s %s%n",
        "node_id", "database", "table", "commits", "rows", "watermark", "last commit (age)");
    for (Source s : sources) {
      Cursor c = s.cursor();
      out.printf(
          "  %-24s %-18s %-18s %8d %12d %-22s %s%n",
          SourceId.nodeOf(s.id()),
          SourceId.databaseOf(s.id()),
          SourceId.tableOf(s.id()),
          c.seq(),
          c.rows(),
          c.watermarkText(),
          s.lastCommit().map(t -> t + " (" + age(t, now) + ")").orElse("unknown"));
    }
  }

  private static ObjectNode json(ObjectMapper mapper, Source s, Instant now) {
    Cursor c = s.cursor();
    ObjectNode n = mapper.createObjectNode();
    n.put("source_id", s.id());
    n.put("node_id", SourceId.nodeOf(s.id()));
    n.put("database", SourceId.databaseOf(s.id()));
    n.put("table", SourceId.tableOf(s.id()));
    n.put("commits", c.seq());
    n.put("rows", c.rows());
    if (c.hasWatermark()) n.put("watermark", c.watermarkText());
    else n.putNull("watermark");
    if (s.lastCommit().isPresent()) {
      n.put("last_commit_at", s.lastCommit().get().toString());
      n.put(
          "last_commit_age_s",
          Math.max(0, Duration.between(s.lastCommit().get(), now).toSeconds()));
    } else {
      n.putNull("last_commit_at");
      n.putNull("last_commit_age_s");
    }
    return n;
  }

  private static String age(Instant t, Instant now) {
    long s = Math.max(0, Duration.between(t, now).toSeconds());
    if (s < 120) return s + "s";
    if (s < 7200) return s / 60 + "m";
    if (s < 172_800) return s / 3600 + "h";
    return s / 86_400 + "d";
  }
}
