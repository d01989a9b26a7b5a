package io.edgeuploader;

import io.edgeuploader.sink.SinkException;
import io.edgeuploader.source.SourceException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon: a pass every interval, skipped cheaply when SQLite has not changed. A failed pass
 * (store outage, database busy) is retried with exponential backoff and jitter, logged once when
 * failures start and once when they end, never per retry. Errors a person must fix ({@link
 * UserError}) end the loop at once; a failure nobody recognises is retried too, but ends the loop
 * when a table has had nothing else for {@link #UNEXPECTED_LIMIT}, so that a supervisor and an
 * operator notice.
 */
public final class UploadLoop {
  private static final Logger log = LoggerFactory.getLogger(UploadLoop.class);
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  static final Duration MAX_RETRY = Duration.ofMinutes(5);

  /** How long a table may fail with nothing but unexpected errors before the daemon stops. */
  public static final Duration UNEXPECTED_LIMIT = Duration.ofMinutes(30);

  /** How often {@link #once} tries a table's pass before giving up. */
  static final int ONCE_ATTEMPTS = 3;

  /** Waits, returning early when a stop is requested. */
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  private final List<Uploader> uploaders;
  private final Duration interval;
  private final BooleanSupplier stopRequested;
  private final Sleeper sleeper;
  private final Random random;
  private final Clock clock;

  public UploadLoop(
      List<Uploader> uploaders,
      Duration interval,
      BooleanSupplier stopRequested,
      Sleeper sleeper,
      Random random) {
    this(uploaders, interval, stopRequested, sleeper, random, Clock.systemUTC());
  }

  public UploadLoop(
      List<Uploader> uploaders,
      Duration interval,
      BooleanSupplier stopRequested,
      Sleeper sleeper,
      Random random,
      Clock clock) {
    this.uploaders = uploaders;
    this.interval = interval;
    this.stopRequested = stopRequested;
    this.sleeper = sleeper;
    this.random = random;
    this.clock = clock;
  }

  /**
   * Each pass visits every table; one that fails does not hold back the others, and the pass counts
   * as failed (backoff) until all succeed.
   */
  public void run() throws InterruptedException {
    int failures = 0;
    boolean[] mustPass = new boolean[uploaders.size()];
    Arrays.fill(mustPass, true);
    Instant[] unexpectedSince = new Instant[uploaders.size()];
    log.info(
        "event=loop_started interval_s={} table={}",
        interval.toSeconds(),
        String.join(",", uploaders.stream().map(u -> u.table().name()).toList()));
    while (!stopRequested.getAsBoolean()) {
      Map<String, String> failed = new LinkedHashMap<>();
      for (int i = 0; i < uploaders.size() && !stopRequested.getAsBoolean(); i++) {
        Uploader uploader = uploaders.get(i);
        String table = uploader.table().name();
        try {
          if (mustPass[i] || uploader.sourceChanged()) {
            uploader.uploadPending(stopRequested);
          } else {
            uploader.unchanged();
          }
          mustPass[i] = false;
          unexpectedSince[i] = null;
        } catch (UserError e) {
          throw e;
        } catch (SinkException | SourceException e) {
          mustPass[i] = true;
          unexpectedSince[i] = null;
          failed.put(table, e.getMessage());
          uploader
              .metrics()
              .passFailed(table, e instanceof SinkException ? "store" : "sqlite", e.getMessage());
        } catch (RuntimeException e) {
          mustPass[i] = true;
          if (unexpectedSince[i] == null) unexpectedSince[i] = clock.instant();
          failed.put(table, "unexpected: " + describe(e));
          uploader.metrics().passFailed(table, "unexpected", describe(e));
          if (!clock.instant().isBefore(unexpectedSince[i].plus(UNEXPECTED_LIMIT))) {
            throw new UnexpectedError(
                "table "
                    + table
                    + " failed with nothing but unexpected errors for "
                    + UNEXPECTED_LIMIT.toMinutes()
                    + " minutes, stopping; the last: "
                    + describe(e),
                e);
          }
        }
      }
      Duration wait = interval;
      if (failed.isEmpty() && failures > 0) {
        log.info("event=recovered failed_passes={}", failures);
        failures = 0;
      } else if (!failed.isEmpty()) {
        failures++;
        wait = backoff(failures);
        for (Map.Entry<String, String> f : failed.entrySet()) {
          logFailure(f.getKey(), failures, wait, f.getValue());
        }
      }
      sleeper.sleep(wait);
    }
    log.info("event=loop_stopped");
  }

  private static String describe(RuntimeException e) {
    return e instanceof UnexpectedError ? e.getMessage() : String.valueOf(e);
  }

  /**
   * One pass over every table, for a one-shot run (cron, a batch job): a failed pass is retried
   * with the same backoff as the daemon's, up to {@value #ONCE_ATTEMPTS} attempts, riding out a
   * short blip (nodes of a fleet racing to create the same container, say) before the failure is
   * rethrown. Each retry continues from the table's cursor, so nothing is uploaded twice.
   *
   * @return what each table's pass did, in the order of the uploaders
   */
  public List<PassResult> once() throws InterruptedException {
    List<PassResult> results = new ArrayList<>();
    for (Uploader uploader : uploaders) {
      for (int attempt = 1; ; attempt++) {
        try {
          results.add(uploader.uploadPending(stopRequested));
          break;
        } catch (SinkException | SourceException e) {
          if (attempt == ONCE_ATTEMPTS) throw e;
          Duration wait = backoff(attempt);
          logFailure(uploader.table().name(), attempt, wait, e.getMessage());
          sleeper.sleep(wait);
        }
      }
    }
    return results;
  }

  private static void logFailure(String table, int attempt, Duration wait, String error) {
    String line = "event=pass_failed table={} attempt={} retry_in_ms={} error=\"{}\"";
    if (attempt == 1) log.warn(line, table, attempt, wait.toMillis(), error);
    else log.debug(line, table, attempt, wait.toMillis(), error);
  }

  /** 1 s doubling per failure, capped at the larger of the interval and 5 min, ±20 % jitter. */
  Duration backoff(int failures) {
    long cap = Math.max(interval.toMillis(), MAX_RETRY.toMillis());
    long base = FIRST_RETRY.toMillis() << Math.min(failures - 1, 20);
    long millis = Math.min(cap, base);
    double jitter = 0.8 + 0.4 * random.nextDouble();
    return Duration.ofMillis((long) (millis * jitter));
  }
}
