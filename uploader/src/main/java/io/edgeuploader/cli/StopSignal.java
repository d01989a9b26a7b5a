package io.edgeuploader.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop the daemon: the loop ends between commits and the process
 * exits 0, as service managers expect of a clean stop (the JVM's own handling would run the
 * shutdown hooks and exit 143 or 130). A commit still in flight after the grace period is cut off
 * with the signal's exit code; it lands whole or is redone at the next start.
 */
final class StopSignal {
  private static final Logger log = LoggerFactory.getLogger(StopSignal.class);

  private final CountDownLatch requested = new CountDownLatch(1);
  private final CountDownLatch done = new CountDownLatch(1);
  private final Duration grace;

  private StopSignal(Duration grace) {
    this.grace = grace;
  }

  /** Takes over SIGTERM and SIGINT for this process. */
  static StopSignal install(Duration grace) {
    StopSignal stop = new StopSignal(grace);
    for (String name : new String[] {"TERM", "INT"}) {
      Signal.handle(new Signal(name), stop::received);
    }
    return stop;
  }

  private void received(Signal signal) {
    if (requested.getCount() == 0) return;
    log.info("event=stop_requested signal={}", signal.getName());
    requested.countDown();
    Thread watchdog =
        new Thread(
            () -> {
              try {
                if (!done.await(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                  log.warn("event=stop_forced grace_s={}", grace.toSeconds());
                  Runtime.getRuntime().halt(128 + signal.getNumber());
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "uploader-stop");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  boolean requested() {
    return requested.getCount() == 0;
  }

  /** Sleeps up to {@code d}, waking at once when a stop is requested. */
  void sleep(Duration d) throws InterruptedException {
    requested.await(d.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The loop has ended: the process may exit on its own. */
  void stopped() {
    done.countDown();
  }
}
