package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.TransactionCommitResult;
import io.delta.kernel.commit.CommitFailedException;
import io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit, attempted until it lands. Kernel is told not to retry a lost race itself: it retries
 * at once, so under contention the same writers kept losing (measured with 8 writers: one commit
 * needed 80 attempts and 161 s). Here a writer that lost waits a random time, growing with each
 * loss (exponential backoff with full jitter), then builds the commit again on the table as it now
 * is; the data files are written once. Each attempt commits on the exact version it read, so the
 * table as a landed commit leaves it is exact too (Kernel's rebased commits were not always: see
 * Checkpoints). A commit that cannot land within the bounds ends the pass as an outage: its files
 * are orphans, and the next pass uploads its rows.
 */
final class CommitAttempts {
  private static final Logger log = LoggerFactory.getLogger(CommitAttempts.class);

  static final int MAX_ATTEMPTS = 30;
  static final Duration MAX_TIME = Duration.ofSeconds(20);
  private static final long FIRST_WAIT_MILLIS = 25;
  private static final long MAX_WAIT_MILLIS = 1_000;

  /** Builds the commit on {@code base} and commits it, once. */
  interface Attempt {
    TransactionCommitResult commit(Snapshot base) throws IOException;
  }

  /** A commit that landed, on which version of the table, after how many attempts. */
  record Landed(TransactionCommitResult result, Snapshot base, int attempts) {}

  private final Random random = new Random();
  private final String name;

  /**
   * @param name what {@code table=} says in the log lines
   */
  CommitAttempts(String name) {
    this.name = name;
  }

  Landed land(Snapshot first, Attempt attempt, Supplier<Snapshot> reload) throws IOException {
    Snapshot base = first;
    long began = System.nanoTime();
    for (int n = 1; ; n++) {
      try {
        return new Landed(attempt.commit(base), base, n);
      } catch (MaxCommitRetryLimitReachedException e) {
        if (!(e.getCause() instanceof CommitFailedException failed && failed.isConflict())) {
          throw e;
        }
        long elapsed = System.nanoTime() - began;
        if (n >= MAX_ATTEMPTS || elapsed > MAX_TIME.toNanos()) {
          throw new SinkException(
              "committing to the Delta table lost the race for a version "
                  + n
                  + " times in "
                  + elapsed / 1_000_000_000L
                  + " s; other writers keep the table busy, the rows wait in SQLite",
              e);
        }
        long wait = wait(n);
        log.debug(
            "event=commit_conflict table={} version={} attempt={} retry_in_ms={}",
            name,
            base.getVersion() + 1,
            n,
            wait);
        sleep(wait);
        base = reload.get();
      }
    }
  }

  /** Full jitter: a random wait up to a bound that doubles with each lost race, capped. */
  private long wait(int lost) {
    long bound = Math.min(MAX_WAIT_MILLIS, FIRST_WAIT_MILLIS << Math.min(lost - 1, 10));
    return 1 + (long) (random.nextDouble() * bound);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkException("interrupted while waiting to commit again", e);
    }
  }
}
