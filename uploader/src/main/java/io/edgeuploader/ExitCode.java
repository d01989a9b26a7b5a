package io.edgeuploader;

/** Process exit codes; documented in the README so that scripts can branch on them. */
public enum ExitCode {
  OK(0),
  /** A bug or an unexpected failure: the message and, with --debug, a stack trace say more. */
  INTERNAL(1),
  /** Bad flags, config file or environment variables. */
  CONFIG(2),
  /** The SQLite database: missing, unreadable, not SQLite, no suitable table or column. */
  SOURCE(3),
  /** The Delta table or its storage: cannot be created, written, or has an incompatible schema. */
  SINK(4),
  /** The local state directory cannot be written. */
  STATE(5);

  public final int code;

  ExitCode(int code) {
    this.code = code;
  }
}
