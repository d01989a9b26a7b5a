package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeuploader.config.ConfigKey;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state directory is only a cache: damaged, truncated or full, it never causes a duplicate. */
class StateDirTest {
  @TempDir Path dir;

  private static Path stateFile(TestDatabase db) throws IOException {
    try (Stream<Path> files = Files.list(db.state)) {
      return files.filter(f -> f.toString().endsWith(".cursor.json")).findFirst().orElseThrow();
    }
  }

  private TestDatabase threeCommits() {
    TestDatabase db = new TestDatabase(dir).sql("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)");
    for (int i = 0; i < 3; i++) {
      db.sql("INSERT INTO t (ts) VALUES ('2024-01-01T00:00:0" + i + "Z')");
      db.uploadOnce();
    }
    return db;
  }

  private static void assertEveryRowOnce(TestDatabase db) {
    List<Long> ids = db.reader().rows().stream().map(r -> (Long) r.get("id")).sorted().toList();
    assertEquals(db.count("SELECT count(*) FROM t"), ids.size(), "every row");
    assertEquals(ids.size(), ids.stream().distinct().count(), "no row twice");
  }

  @Test
  void aGarbageStateFileIsIgnoredAndTheTablesCursorUsed() throws Exception {
    TestDatabase db = threeCommits();
    Files.writeString(stateFile(db), "{\"this is\": not json");
    db.sql("INSERT INTO t (ts) VALUES ('2024-01-01T00:00:09Z')");
    assertEquals(1, db.uploadOnce().rows());
    assertEveryRowOnce(db);
  }

  @Test
  void aTruncatedStateFileIsIgnoredAndTheTablesCursorUsed() throws Exception {
    TestDatabase db = threeCommits();
    Path state = stateFile(db);
    byte[] bytes = Files.readAllBytes(state);
    Files.write(state, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    db.sql("INSERT INTO t (ts) VALUES ('2024-01-01T00:00:09Z')");
    assertEquals(1, db.uploadOnce().rows());
    assertEveryRowOnce(db);
  }

  @Test
  void aFullStateDiskNeitherStopsUploadsNorCausesDuplicates() throws Exception {
    TestDatabase db = new TestDatabase(dir).sql("CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)");
    Files.createDirectories(db.state);
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", db.state.toString())
            .redirectErrorStream(true)
            .start();
    boolean mounted = mount.waitFor() == 0;
    Assumptions.assumeTrue(
        mounted || System.getenv("CI") != null, "cannot mount a small tmpfs here (not root)");
    try {
      try (OutputStream fill = Files.newOutputStream(db.state.resolve("filler"))) {
        byte[] block = new byte[1024];
        while (true) fill.write(block);
      } catch (IOException full) {
        // no space left: the disk is full now
      }
      db.sql("INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z'), ('2024-01-01T00:00:01Z')");
      assertEquals(2, db.uploadOnce(ConfigKey.BATCH_ROWS, 1).rows(), "uploads go on");
      db.sql("INSERT INTO t (ts) VALUES ('2024-01-01T00:00:02Z')");
      assertEquals(1, db.uploadOnce().rows(), "the table's cursor is used; nothing again");
      assertEveryRowOnce(db);
    } finally {
      new ProcessBuilder("umount", db.state.toString()).start().waitFor();
    }
  }
}
