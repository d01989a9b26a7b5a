package io.edgeuploader.cli;

import io.edgeuploader.PassResult;
import io.edgeuploader.UploadLoop;
import io.edgeuploader.Uploader;
import io.edgeuploader.Uploaders;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.NodeIdentity;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "once",
    mixinStandardHelpOptions = true,
    description = {
      "Upload every pending row (in as many commits as needed) of each table, then exit 0.",
      "For cron jobs, batch jobs and backfills. A failed pass is retried twice with backoff."
    })
final class OnceCommand implements Callable<Integer>, ConfiguredCommand {
  @Spec CommandSpec spec;
  @Mixin LogOptions log;
  @Mixin DryRunOption dryRun;

  @Override
  public Set<ConfigKey.Use> uses() {
    return EnumSet.of(ConfigKey.Use.TABLE, ConfigKey.Use.SOURCE, ConfigKey.Use.WRITE);
  }

  @Override
  public Integer call() throws InterruptedException {
    DaemonConfig config = ConfigOptions.load(spec);
    try (Uploaders uploaders = Uploaders.open(config, System.getenv())) {
      if (dryRun.printIfRequested(uploaders, config)) return 0;
      for (Uploader u : uploaders.list()) {
        u.cache().checkWritable();
        if (System.console() != null) u.showProgressOn(System.err);
      }
      NodeIdentity.keep(config);
      UploadLoop loop =
          new UploadLoop(
              uploaders.list(),
              config.interval(),
              () -> false,
              d -> Thread.sleep(d.toMillis()),
              new Random());
      List<PassResult> results = loop.once();
      for (int i = 0; i < results.size(); i++) {
        System.out.println(Summary.of(uploaders.list().get(i), results.get(i)));
      }
      return 0;
    }
  }
}
