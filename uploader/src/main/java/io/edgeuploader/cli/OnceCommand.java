package io.edgeuploader.cli;

import io.edgeuploader.Uploader;
import io.edgeuploader.Uploaders;
import io.edgeuploader.config.UploaderConfig;
import io.edgeuploader.sink.SinkException;
import io.edgeuploader.source.SourceException;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "once",
    mixinStandardHelpOptions = true,
    description = {
      "Upload every pending row (in as many commits as needed) of each table, then exit 0.",
      "For cron jobs, batch jobs and backfills."
    })
final class OnceCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(OnceCommand.class);
  static final int ATTEMPTS = 3;

  @Mixin ConfigOptions options;
  @Mixin LogOptions debug;

  @Mixin DryRunOption dryRun;

  @Override
  public Integer call() throws InterruptedException {
    List<UploaderConfig> configs = options.load();
    try (Uploaders uploaders = Uploaders.open(configs, System.getenv())) {
      if (dryRun.printIfRequested(uploaders, configs)) return 0;
      for (Uploader u : uploaders.list()) u.cache().checkWritable();
      for (Uploader u : uploaders.list()) {
        if (System.console() != null) u.showProgressOn(System.err);
        System.out.println(Summary.of(u, passWithRetries(u)));
      }
      return 0;
    }
  }

  /**
   * A one-shot run (cron, a batch job) rides out a short blip, e.g. nodes of a fleet racing to
   * create the same container, before giving up with exit code 4 or 3. Each retry continues from
   * the table's cursor, so nothing is uploaded twice.
   */
  static Uploader.PassResult passWithRetries(Uploader uploader) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return uploader.uploadPending(() -> false);
      } catch (SinkException | SourceException e) {
        if (attempt == ATTEMPTS) throw e;
        long waitMillis = 1000L << (attempt - 1);
        log.warn(
            "event=pass_failed attempt={} of {} retry_in_ms={} error=\"{}\"",
            attempt,
            ATTEMPTS,
            waitMillis,
            e.getMessage());
        Thread.sleep(waitMillis);
      }
    }
  }
}
