package io.edgeuploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows of megabytes of TEXT and BLOB with the shipped heap, and beyond what a heap can hold. */
class LargeValuesIT {
  @TempDir Path dir;

  private static int once(TestDatabase db, String heap, Path log) throws Exception {
    Process p =
        UploaderProcess.startWithHeap(heap, log, Map.of(), UploaderProcess.args(db, "once"));
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished");
    return p.exitValue();
  }

  @Test
  void rowsOfMegabytesUploadWithTheShippedHeap() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, body TEXT, raw BLOB)",
                // 10 rows of 5 MB: 2.5 MB of text and 2.5 MB of BLOB each
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10)"
                    + " INSERT INTO t SELECT i, '2024-01-01T00:00:00Z', hex(randomblob(1250000)),"
                    + " randomblob(2500000) FROM n");
    Path log = dir.resolve("uploader.log");
    assertEquals(0, once(db, "144m", log), UploaderProcess.logText(log));
    List<Map<String, Object>> rows = db.reader().rows();
    assertEquals(10, rows.size());
    for (Map<String, Object> r : rows) {
      assertEquals(2_500_000, ((String) r.get("body")).length());
      assertEquals(2_500_000, ((byte[]) r.get("raw")).length);
    }
  }

  @Test
  void aRowTooLargeForTheHeapIsOneClearErrorAndUploadsWithMore() throws Exception {
    TestDatabase db =
        new TestDatabase(dir)
            .sql(
                "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT, body TEXT, raw BLOB)",
                "INSERT INTO t VALUES (1, '2024-01-01T00:00:00Z', 'small', x'00')",
                "INSERT INTO t VALUES (2, '2024-01-01T00:00:01Z', hex(randomblob(12000000)),"
                    + " randomblob(24000000))");
    Path log = dir.resolve("uploader.log");
    assertEquals(1, once(db, "96m", log));
    String text = UploaderProcess.logText(log);
    assertTrue(text.contains("error: out of memory with a heap of"), text);
    assertFalse(text.contains("\tat "), "no stack trace: " + text);
    assertEquals(0, once(db, "512m", log), UploaderProcess.logText(log));
    CrashIT.assertExactlyOnce(db, "t");
  }
}
