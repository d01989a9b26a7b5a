package io.edgeuploader.cli;

import io.edgeuploader.UploadLoop;
import io.edgeuploader.Uploader;
import io.edgeuploader.Uploaders;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.NodeIdentity;
import io.edgeuploader.ops.Metrics;
import io.edgeuploader.ops.MetricsServer;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
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
  private static final Duration STOP_GRACE = Duration.ofSeconds(9);

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
      NodeIdentity.keep(config);
      StopSignal stop = StopSignal.install(STOP_GRACE);
      try (MetricsServer metrics = metricsServer(config, uploaders.metrics())) {
        new UploadLoop(
                uploaders.list(), config.interval(), stop::requested, stop::sleep, new Random())
            .run();
      } finally {
        uploaders.flushTraces();
        stop.stopped();
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
