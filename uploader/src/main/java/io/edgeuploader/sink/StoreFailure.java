package io.edgeuploader.sink;

import io.delta.kernel.exceptions.CommitStateUnknownException;
import io.delta.kernel.exceptions.ConcurrentWriteException;
import io.delta.kernel.exceptions.KernelException;
import io.delta.kernel.exceptions.MaxCommitRetryLimitReachedException;
import io.edgeuploader.ExitCode;
import io.edgeuploader.UnexpectedError;
import io.edgeuploader.UserError;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.FileAlreadyExistsException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a failure of the table's store means, decided in this one place for every store: a person
 * must fix it (refused credentials, no permission, a missing bucket, an unknown host: the uploader
 * stops), it may pass by itself (connection refused or reset, timeouts, 5xx, throttling, a lost
 * race: retried with backoff, the table's cursor making the retry exact), or nobody has seen it
 * before (retried for a while, then reported as a bug). Each store's own answers are recognised by
 * the rules beside its settings ({@link S3Settings}, {@link AzureSettings}, {@link LocalSettings}).
 */
final class StoreFailure {
  /** What the uploader does about a failure. */
  enum Kind {
    /** Credentials or permissions refused: a person must fix them. */
    REFUSED,
    /** The location or configuration cannot work (unknown host, no such bucket): stop. */
    MISCONFIGURED,
    /** A checkpoint without a footer, left by a killed writer: removed, then retried. */
    DAMAGED_CHECKPOINT,
    /** Another writer took the version, or the outcome is unknown: retried. */
    LOST_RACE,
    /** The store is unreachable or failing for now: retried with backoff. */
    OUTAGE,
    /** Not recognised: retried for a while, reported as a bug if it persists. */
    UNEXPECTED
  }

  /**
   * A kind and what to do about it, for the message; and the cause in plain words where the store's
   * own is a page long (null: the store's, shortened).
   */
  record Verdict(Kind kind, String fix, String cause) {
    static Optional<Verdict> of(Kind kind, String fix) {
      return Optional.of(new Verdict(kind, fix, null));
    }

    static Optional<Verdict> of(Kind kind, String fix, String cause) {
      return Optional.of(new Verdict(kind, fix, cause));
    }
  }

  /** A store's way of saying what went wrong, recognised in one throwable of the causes. */
  interface Rule {
    Optional<Verdict> judge(Throwable t, String message);
  }

  private static final Pattern STATUS =
      Pattern.compile("(?:Status Code|status code|HTTP|statusCode)[: =]+(\\d{3})");
  private static final int MAX_CAUSE = 120;

  private StoreFailure() {}

  /** The verdict on {@code e}: the first cause a rule recognises, most specific rules first. */
  static Verdict judge(Throwable e, Storage.Kind store) {
    List<Rule> rules =
        List.of(
            StoreFailure::damagedCheckpoint,
            storeRule(store),
            StoreFailure::network,
            StoreFailure::httpStatus,
            StoreFailure::kernel);
    for (Rule rule : rules) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        Optional<Verdict> v = rule.judge(t, String.valueOf(t.getMessage()));
        if (v.isPresent()) return v.get();
      }
    }
    return new Verdict(Kind.UNEXPECTED, "run with --debug for the stack trace", null);
  }

  private static Rule storeRule(Storage.Kind store) {
    return switch (store) {
      case LOCAL -> LocalSettings::judge;
      case S3 -> S3Settings::judge;
      case AZURE -> AzureSettings::judge;
    };
  }

  /**
   * The failure as the exception the uploader acts on: a {@link UserError} (exit code 4) for what a
   * person must fix, a {@link SinkException} for what is retried, an {@link UnexpectedError}
   * otherwise. The message is one line: what was being done where, the cause, and what to do.
   */
  static RuntimeException toException(
      String doing, String tablePath, Storage.Kind store, String credentials, Throwable e) {
    if (e instanceof UserError u) return u;
    if (e instanceof SinkException s) return s;
    Verdict v = judge(e, store);
    String cause = v.cause() != null ? v.cause() : cause(e);
    String where = doing + " at " + tablePath;
    return switch (v.kind()) {
      case REFUSED ->
          new UserError(
              ExitCode.SINK,
              where
                  + " was refused: "
                  + cause
                  + "; "
                  + v.fix().replace("{credentials}", credentials),
              e);
      case MISCONFIGURED ->
          new UserError(ExitCode.SINK, where + " failed: " + cause + "; " + v.fix(), e);
      case DAMAGED_CHECKPOINT, LOST_RACE, OUTAGE ->
          new SinkException(where + " failed: " + cause + "; " + v.fix(), e);
      case UNEXPECTED -> new UnexpectedError(where + " failed unexpectedly: " + cause, e);
    };
  }

  /** The most telling message among the causes: the deepest one that says something, shortened. */
  static String cause(Throwable e) {
    String best = e.getClass().getSimpleName();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !m.isBlank()) best = m;
      if (t.getCause() == t) break;
    }
    return shorten(best);
  }

  static String shorten(String message) {
    String line = message.strip();
    int nl = line.indexOf('\n');
    if (nl >= 0) line = line.substring(0, nl);
    return line.length() <= MAX_CAUSE ? line : line.substring(0, MAX_CAUSE - 3) + "...";
  }

  private static Optional<Verdict> damagedCheckpoint(Throwable t, String m) {
    if (m.contains("is not a Parquet file") || m.contains("Not a Parquet file")) {
      return Verdict.of(Kind.DAMAGED_CHECKPOINT, "removing it");
    }
    return Optional.empty();
  }

  private static Optional<Verdict> network(Throwable t, String m) {
    if (t instanceof UnknownHostException) {
      return Verdict.of(Kind.MISCONFIGURED, "unknown host: check the endpoint and --table-path");
    }
    if (t instanceof ConnectException
        || t instanceof NoRouteToHostException
        || t instanceof SocketTimeoutException
        || m.contains("Connection refused")
        || m.contains("Connection reset")
        || m.contains("connect timed out")
        || m.contains("Read timed out")
        || m.contains("Unable to execute HTTP request")) {
      return Verdict.of(Kind.OUTAGE, "the rows wait in SQLite");
    }
    return Optional.empty();
  }

  private static Optional<Verdict> httpStatus(Throwable t, String m) {
    Matcher s = STATUS.matcher(m);
    if (!s.find()) return Optional.empty();
    int status = Integer.parseInt(s.group(1));
    if (status == 401 || status == 403) {
      return Verdict.of(Kind.REFUSED, "check the credentials ({credentials})");
    }
    if (status == 429 || status >= 500) {
      return Verdict.of(Kind.OUTAGE, "the rows wait in SQLite");
    }
    return Optional.empty();
  }

  private static Optional<Verdict> kernel(Throwable t, String m) {
    if (t instanceof FileAlreadyExistsException
        || t instanceof ConcurrentWriteException
        || t instanceof MaxCommitRetryLimitReachedException) {
      return Verdict.of(Kind.LOST_RACE, "other writers took the version");
    }
    if (t instanceof CommitStateUnknownException) {
      return Verdict.of(
          Kind.LOST_RACE, "the commit's outcome is unknown, the table's cursor will tell");
    }
    if (t instanceof KernelException) {
      return Verdict.of(Kind.MISCONFIGURED, "check --table-path / TABLE_PATH");
    }
    return Optional.empty();
  }
}
