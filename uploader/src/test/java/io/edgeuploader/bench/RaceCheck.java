package io.edgeuploader.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgeuploader.LandedFiles;
import io.edgeuploader.cursor.SourceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;

/**
 * What racing writers must leave behind, checked on the table's files (S3Proxy's filesystem backend
 * keeps them as local files): every source row in the table exactly once, and every {@code
 * event=commit} naming the version that holds it: the commit file at that version carries the
 * writer's {@code txn} with the writer's sequence number, and no two commits name one version.
 *
 * <p>In landing mode the same holds for files: every row once over the zone's visible files, and
 * every {@code event=commit} names a file of its own source at that sequence number.
 *
 * <p>usage: RaceCheck delta|landing DIR NODE=LOG=DATABASE... ; prints one line, exits 1 on a
 * failure
 */
public final class RaceCheck {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern COMMIT = Pattern.compile("event=commit .*?version=(\\d+)");

  private RaceCheck() {}

  public static void main(String[] args) throws Exception {
    boolean landing = args[0].equals("landing");
    Path table = Path.of(args[1]);
    int commits = 0;
    int right = 0;
    List<String> wrong = new ArrayList<>();
    Set<String> versions = new HashSet<>();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String[] w = args[i].split("=", 3);
      String node = w[0];
      String appId = SourceId.of(node, SyntheticTable.DATABASE, SyntheticTable.TABLE);
      expected.put(node, count(Path.of(w[2])));
      long seq = 0;
      for (String line : Files.readAllLines(Path.of(w[1]))) {
        Matcher m = COMMIT.matcher(line);
        if (!m.find()) continue;
        commits++;
        long version = Long.parseLong(m.group(1));
        boolean unique = versions.add(landing ? node + "@" + version : "" + version);
        ++seq;
        boolean there =
            landing ? landed(table, node, version, seq) : holds(table, version, appId, seq);
        if (!unique) wrong.add(node + " names version " + version + " twice");
        if (!there) wrong.add(node + "'s commit " + seq + " is not at version " + version);
        if (unique && there) right++;
      }
    }
    Map<String, Set<Long>> ids = new HashMap<>();
    long rows = 0;
    long duplicates = 0;
    List<Map<String, Object>> all =
        landing ? new LandedFiles(table.toString(), Map.of()).rows() : addedRows(table);
    for (Map<String, Object> row : all) {
      rows++;
      if (!ids.computeIfAbsent((String) row.get("_node_id"), n -> new HashSet<>())
          .add((Long) row.get("id"))) {
        duplicates++;
      }
    }
    long missing = 0;
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      missing += e.getValue() - ids.getOrDefault(e.getKey(), Set.of()).size();
    }
    // Rows a writer gave up on (its pass failed) are still in SQLite for its next pass: not lost.
    boolean correct = wrong.isEmpty() && duplicates == 0;
    String verdict = !correct ? "FAILED " + wrong : missing > 0 ? "incomplete" : "ok";
    System.out.printf(
        "race-check: commits=%d versions_named_right=%d rows=%d duplicates=%d missing=%d %s%n",
        commits, right, rows, duplicates, missing, verdict);
    if (!correct) System.exit(1);
  }

  /** The id and node of every row in the files that the table's commits add and that exist. */
  private static List<Map<String, Object>> addedRows(Path table) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Path> commits;
    try (var files = Files.list(table.resolve("_delta_log"))) {
      commits = files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    for (Path commit : commits) {
      for (String line : Files.readAllLines(commit)) {
        JsonNode add = JSON.readTree(line).get("add");
        if (add == null) continue;
        Path file = table.resolve(add.get("path").asText());
        if (!Files.exists(file)) continue;
        try (ParquetReader<Group> reader =
            ParquetReader.builder(
                    new GroupReadSupport(), new org.apache.hadoop.fs.Path(file.toUri()))
                .build()) {
          for (Group g = reader.read(); g != null; g = reader.read()) {
            rows.add(Map.of("id", g.getLong("id", 0), "_node_id", g.getString("_node_id", 0)));
          }
        }
      }
    }
    return rows;
  }

  /** Whether the landing zone holds {@code node}'s batch {@code seq}, named as the log says. */
  private static boolean landed(Path zone, String node, long version, long seq) {
    Path file =
        zone.resolve(node)
            .resolve(SyntheticTable.DATABASE)
            .resolve(SyntheticTable.TABLE)
            .resolve(String.format("%020d.parquet", seq));
    return version == seq && Files.exists(file);
  }

  /** Whether the commit file at {@code version} holds {@code appId}'s txn at {@code seq}. */
  private static boolean holds(Path table, long version, String appId, long seq) throws Exception {
    Path commit = table.resolve("_delta_log").resolve(SyntheticTable.version(version));
    if (!Files.exists(commit)) return false;
    for (String line : Files.readAllLines(commit)) {
      JsonNode txn = JSON.readTree(line).get("txn");
      if (txn != null
          && txn.get("appId").asText().equals(appId)
          && txn.get("version").asLong() == seq) {
        return true;
      }
    }
    return false;
  }

  private static long count(Path database) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + database);
        ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM sensor_readings")) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
