package io.edgeuploader.ops;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A backfill's progress on a terminal: rows done of the pass's total, rate and time left, redrawn
 * in place at most twice a second. The line ends with a carriage return, so a log line printed
 * meanwhile simply overwrites it.
 */
public final class ProgressLine {
  private static final long REDRAW_NANOS = 500_000_000L;

  private final PrintStream out;
  private final long total;
  private final LongSupplier nanoTime;
  private final long started;
  private long done;
  private long drawn;

  public ProgressLine(PrintStream out, long total, LongSupplier nanoTime) {
    this.out = out;
    this.total = total;
    this.nanoTime = nanoTime;
    this.started = nanoTime.getAsLong();
    this.drawn = started - REDRAW_NANOS;
  }

  public void advance(long rows) {
    done += rows;
    long now = nanoTime.getAsLong();
    if (now - drawn >= REDRAW_NANOS || done >= total) {
      drawn = now;
      out.print("\u001b[K" + line(now) + "\r");
      out.flush();
    }
  }

  /** Clears the line at the end of the pass. */
  public void finish() {
    out.print("\u001b[K");
    out.flush();
  }

  String line(long now) {
    double seconds = Math.max(1e-3, (now - started) / 1e9);
    double rate = done / seconds;
    long percent = total == 0 ? 100 : Math.min(100, done * 100 / total);
    String eta = rate > 0 && done < total ? duration((total - done) / rate) : "0s";
    return String.format(
        Locale.ROOT,
        "uploading %,d / %,d rows (%d%%), %,.0f rows/s, %s left",
        done,
        total,
        percent,
        rate,
        eta);
  }

  private static String duration(double seconds) {
    long s = Math.round(seconds);
    if (s < 60) return s + "s";
    if (s < 3600) return (s / 60) + "m" + (s % 60) + "s";
    return (s / 3600) + "h" + (s % 3600 / 60) + "m";
  }
}
