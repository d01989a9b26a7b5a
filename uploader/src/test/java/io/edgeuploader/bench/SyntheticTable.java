package io.edgeuploader.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeuploader.cli.Main;
import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.cursor.SourceId;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * A shared table as a fleet leaves it, built in seconds for the fleet benchmark: the uploader's
 * protocol and schema (version 0 of a table the real jar created), one commit holding {@code files}
 * add actions and the {@code txn} and cursor of {@code nodes} sources, {@code logFiles} small
 * commits after it (the log a real fleet leaves until log cleanup), a checkpoint and its checksum
 * written by {@code maintain}, and {@code tail} small commits after the checkpoint. Data files are
 * not written: a pass never reads them. Built on local disk (S3Proxy's filesystem backend serves
 * the directory, see {@link StoreObjects}).
 *
 * <p>usage: SyntheticTable TEMPLATE_TABLE OUT_DIR FILES NODES LOG_FILES TAIL
 */
public final class SyntheticTable {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String DATABASE = "sensors.db";
  static final String TABLE = "sensor_readings";

  private final Path log;
  private final JsonNode addTemplate;
  private final long now = System.currentTimeMillis();
  private final Random random = new Random(12);

  private SyntheticTable(Path out, JsonNode addTemplate) {
    this.log = out.resolve("_delta_log");
    this.addTemplate = addTemplate;
  }

  public static void main(String[] args) throws Exception {
    Path template = Path.of(args[0]).resolve("_delta_log");
    Path out = Path.of(args[1]);
    long files = Long.parseLong(args[2]);
    int nodes = Integer.parseInt(args[3]);
    int logFiles = Integer.parseInt(args[4]);
    int tail = Integer.parseInt(args[5]);
    if (files < logFiles + tail + 1) throw new IllegalArgumentException("too few files");
    long began = System.nanoTime();
    Files.createDirectories(out.resolve("_delta_log"));
    SyntheticTable t = new SyntheticTable(out, firstAdd(template.resolve(version(1))));
    // Version 0 as the jar wrote it: protocol (writer 7, domainMetadata) and the schema.
    Files.copy(template.resolve(version(0)), t.log.resolve(version(0)));
    long[] seq = new long[nodes];
    t.bulk(files - logFiles - tail, seq);
    long v = 1;
    for (int i = 0; i < logFiles; i++) t.small(++v, (int) (v % nodes), seq);
    checkpoint(out, v);
    for (int i = 0; i < tail; i++) t.small(++v, (int) (v % nodes), seq);
    StoreObjects.tag(out);
    System.out.printf(
        "synthetic table %s: %d files, %d nodes, %d log files, checkpoint at %d, version %d, %.1f"
            + " s%n",
        out, files, nodes, logFiles + tail + 2, v - tail, v, (System.nanoTime() - began) / 1e9);
  }

  static String version(long v) {
    return String.format("%020d.json", v);
  }

  static String appId(int node) {
    return SourceId.of("synthetic-" + node, DATABASE, TABLE);
  }

  private static JsonNode firstAdd(Path commit) throws IOException {
    for (String line : Files.readAllLines(commit)) {
      JsonNode n = JSON.readTree(line);
      if (n.has("add")) return n.get("add");
    }
    throw new IllegalArgumentException("no add action in " + commit);
  }

  /** Version 1: most of the files, and every node's txn and cursor. */
  private void bulk(long files, long[] seq) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(log.resolve(version(1)))) {
      w.write(commitInfo());
      for (long f = 0; f < files; f++) w.write(add((int) (f % seq.length)));
      for (int n = 0; n < seq.length; n++) {
        seq[n] = 1;
        w.write(txn(n, seq[n]));
        w.write(cursor(n, seq[n]));
      }
    }
  }

  /** A node's ordinary commit: one file, its txn and its cursor. */
  private void small(long version, int node, long[] seq) throws IOException {
    seq[node]++;
    String text = commitInfo() + add(node) + txn(node, seq[node]) + cursor(node, seq[node]);
    Files.writeString(log.resolve(version(version)), text, StandardCharsets.UTF_8);
  }

  private String commitInfo() throws IOException {
    ObjectNode info = JSON.createObjectNode();
    info.put("timestamp", now);
    info.put("engineInfo", "fleet-bench-synthetic");
    info.put("operation", "WRITE");
    info.putObject("operationParameters");
    info.put("isBlindAppend", false);
    return line("commitInfo", info);
  }

  /**
   * An add action shaped like the jar's, with a random file name and statistics, so that the
   * checkpoint compresses as a real one does (identical names and statistics shrink it 100-fold).
   */
  private String add(int node) throws IOException {
    ObjectNode add = addTemplate.deepCopy();
    add.put("path", new UUID(random.nextLong(), random.nextLong()) + ".parquet");
    add.put("size", 2000 + random.nextInt(100_000));
    add.put("modificationTime", now - random.nextInt(86_400_000));
    ObjectNode stats = (ObjectNode) JSON.readTree(addTemplate.get("stats").asText());
    long rows = 1 + random.nextInt(1000);
    stats.put("numRecords", rows);
    long firstId = random.nextInt(1_000_000_000);
    Instant first = Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000));
    vary((ObjectNode) stats.get("minValues"), node, firstId, first, 0);
    vary(
        (ObjectNode) stats.get("maxValues"), node, firstId + rows - 1, first.plusSeconds(rows), 10);
    add.put("stats", stats.toString());
    return line("add", add);
  }

  /**
   * Bounds of one file: ids and times from {@code id} and {@code at}, readings near the template's.
   */
  private void vary(ObjectNode bounds, int node, long id, Instant at, double above) {
    bounds.put("id", id);
    bounds.put("ts", at.toString());
    bounds.put("_node_id", "synthetic-" + node);
    for (String reading : List.of("temperature", "humidity")) {
      if (bounds.has(reading)) {
        double v = bounds.get(reading).asDouble() + above + random.nextInt(1000) / 100.0;
        bounds.put(reading, v);
      }
    }
  }

  private String txn(int node, long version) throws IOException {
    ObjectNode txn = JSON.createObjectNode();
    txn.put("appId", appId(node));
    txn.put("version", version);
    txn.put("lastUpdated", now);
    return line("txn", txn);
  }

  /**
   * A cursor like the jar's. The rowids are far above any benchmark database's, so a new node's
   * renamed-node check finds none of these rows in its database (one indexed lookup each).
   */
  private String cursor(int node, long seq) throws IOException {
    long micros = now * 1000;
    Cursor c =
        new Cursor(
            seq,
            1_000_000_000L + seq,
            random.nextLong(),
            micros,
            100 * seq,
            5211466905603941731L,
            micros,
            micros);
    ObjectNode dm = JSON.createObjectNode();
    dm.put("domain", "edge-uploader.cursor." + appId(node));
    dm.put("configuration", c.toJson());
    dm.put("removed", false);
    return line("domainMetadata", dm);
  }

  private static String line(String action, JsonNode value) throws IOException {
    return JSON.writeValueAsString(Map.of(action, value)) + "\n";
  }

  /**
   * The maintainer's checkpoint of the table, made by {@code maintain} while {@code version} is its
   * latest: Kernel's checkpoint and the slim checksum beside it.
   */
  private static void checkpoint(Path table, long version) throws IOException {
    int exit = Main.execute("maintain", "--table-path", table.toAbsolutePath().toString());
    if (exit != 0) throw new IOException("maintain exited with " + exit);
    List<String> written;
    try (var files = Files.list(table.resolve("_delta_log"))) {
      written =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.contains("checkpoint") || n.endsWith(".crc"))
              .toList();
    }
    System.out.println("checkpoint at " + version + ": " + written);
  }
}
