package io.edgeuploader.cli;

import io.edgeuploader.Uploader;
import io.edgeuploader.config.UploaderConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "once",
    mixinStandardHelpOptions = true,
    description = {
      "Upload every pending row (in as many commits as needed), then exit 0.",
      "For cron jobs, batch jobs and backfills."
    })
final class OnceCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Mixin DebugOption debug;

  @Option(
      names = "--dry-run",
      description =
          "Show the table, timestamp column, schema mapping and pending rows; write" + " nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    UploaderConfig config = options.load();
    try (Uploader uploader = Uploader.open(config)) {
      if (dryRun) {
        DryRun.print(uploader, config, System.out);
        System.out.println("Dry run: nothing was written.");
        return 0;
      }
      uploader.cache().checkWritable();
      Uploader.PassResult result = uploader.uploadPending(() -> false);
      System.out.println(Summary.of(uploader, result));
      return 0;
    }
  }
}
