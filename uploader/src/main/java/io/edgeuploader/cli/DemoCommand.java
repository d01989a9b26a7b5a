package io.edgeuploader.cli;

import io.edgeuploader.Progress;
import io.edgeuploader.Uploader;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.ConfigLoader;
import io.edgeuploader.config.DaemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Try it out: add sample sensor readings to DIR/sensors.db (created if absent), upload them"
          + " to the local Delta table DIR/delta/sensor_readings, and show what happened.",
      "Run it again to see an incremental upload."
    })
final class DemoCommand implements Callable<Integer> {
  @Mixin LogOptions log;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "demo",
      description =
          "Where the demo database, Delta table and state go (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "10000",
      description = "Readings to add (default: ${DEFAULT-VALUE}).")
  int rows;

  @Override
  public Integer call() throws Exception {
    Files.createDirectories(dir);
    Path db = dir.resolve("sensors.db");
    SampleDatabase.append(
        db,
        rows,
        Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(rows),
        System.nanoTime());
    System.out.println("Added " + rows + " readings to " + db);
    DaemonConfig config =
        ConfigLoader.load(
            Optional.empty(),
            Map.of(),
            Map.of(
                ConfigKey.SQLITE, db.toString(),
                ConfigKey.TABLE_PATH, dir.resolve("delta").resolve(SampleDatabase.TABLE).toString(),
                ConfigKey.STATE_DIR, dir.resolve("state").toString(),
                ConfigKey.NODE_ID, "demo-node"));
    try (Uploader uploader = Uploader.open(config)) {
      System.out.println();
      DryRun.print(uploader, config, config.table(), System.out);
      System.out.println();
      uploader.cache().checkWritable();
      System.out.println(Summary.of(uploader, uploader.uploadPending(() -> false)));
      Progress p = uploader.progress();
      System.out.println(
          "The Delta table now holds "
              + p.deltaRows()
              + " rows at version "
              + p.table().map(t -> t.version()).orElse(-1L)
              + "; "
              + p.pendingRows()
              + " rows pending.");
      System.out.println(
          "Next: run 'status' or 'once' with --sqlite "
              + db
              + " --table-path "
              + uploader.sink().location()
              + " --state-dir "
              + config.stateDir()
              + " --node-id "
              + config.nodeId());
    }
    return 0;
  }
}
