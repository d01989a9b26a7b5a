package io.edgeuploader.cli;

import io.edgeuploader.UploadLoop;
import io.edgeuploader.Uploader;
import io.edgeuploader.Uploaders;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.ops.Metrics;
import io.edgeuploader.ops.MetricsServer;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run as a daemon: upload what is new every --interval seconds until stopped.",
      "SIGTERM or SIGINT stops it within 10 seconds; a commit in flight either lands whole or is"
          + " redone at the next start. Store outages are retried with backoff.",
      "With --metrics-port, serves Prometheus /metrics, /healthz and /readyz on 127.0.0.1."
    })
final class RunCommand implements Callable<Integer>, ConfiguredCommand {
  /** How long a stop signal waits for a commit in flight, inside the 10 s we promise. */
  private static final long STOP_GRACE_SECONDS = 9;

  @Spec CommandSpec spec;
  @Mixin LogOptions log;
  @Mixin DryRunOption dryRun;

  @Override
  public Set<ConfigKey.Use> uses() {
    return EnumSet.allOf(ConfigKey.Use.class);
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
      CountDownLatch stop = new CountDownLatch(1);
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stop.countDown();
                    try {
                      stopped.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                    }
                  },
                  "uploader-stop"));
      try (MetricsServer metrics = metricsServer(config, uploaders.metrics())) {
        new UploadLoop(
                uploaders.list(),
                config.interval(),
                () -> stop.getCount() == 0,
                d -> stop.await(d.toMillis(), TimeUnit.MILLISECONDS),
                new Random())
            .run();
      } finally {
        uploaders.flushTraces(); // before the stop signal's grace period lets the JVM end
        stopped.countDown();
      }
      return 0;
    }
  }

  /**
   * The metrics port if one is configured. Ready means a pass or commit succeeded within two
   * intervals and a minute: a daemon that is merely idle stays ready, one failing or stuck does
   * not.
   */
  private static MetricsServer metricsServer(DaemonConfig config, Metrics metrics) {
    if (config.metricsPort() == 0) return null;
    return new MetricsServer(
        config.metricsHost(),
        config.metricsPort(),
        metrics,
        config.interval().multipliedBy(2).plusMinutes(1));
  }
}
