package io.edgeuploader.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.delta.storage.LogStore;
import java.nio.file.FileAlreadyExistsException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Several writers, each with its own log store instance (as separate processes would have),
 * released together to create the same commit file, version after version. Exactly one may win each
 * version, and the file must hold the winner's content.
 */
public final class LogStoreRace {
  private LogStoreRace() {}

  public static void run(
      Supplier<LogStore> stores, Configuration conf, String logDir, int writers, int versions)
      throws Exception {
    new Path(logDir).getFileSystem(conf).mkdirs(new Path(logDir)); // as Kernel does first
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<LogStore> instances = new ArrayList<>();
      for (int w = 0; w < writers; w++) instances.add(stores.get());
      for (int v = 0; v < versions; v++) {
        Path file = new Path(logDir + "/" + String.format("%020d.json", v));
        CyclicBarrier start = new CyclicBarrier(writers);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
          LogStore store = instances.get(w);
          String content = "{\"writer\":" + w + "}";
          Callable<Boolean> attempt =
              () -> {
                start.await();
                try {
                  store.write(file, List.of(content).iterator(), false, conf);
                  return true;
                } catch (FileAlreadyExistsException lost) {
                  return false;
                }
              };
          results.add(pool.submit(attempt));
        }
        int winner = -1;
        int wins = 0;
        for (int w = 0; w < writers; w++) {
          if (results.get(w).get()) {
            wins++;
            winner = w;
          }
        }
        assertEquals(1, wins, "exactly one writer wins version " + v);
        try (var lines = instances.get(0).read(file, conf)) {
          assertEquals("{\"writer\":" + winner + "}", lines.next(), "the winner's commit, v" + v);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
