package io.edgeuploader;

/**
 * A problem a person must fix (a path, a key, a table): reported as one line naming what is wrong
 * and what to do, with the exit code of its kind, and no stack trace unless --debug.
 */
public final class UserError extends RuntimeException {
  private final ExitCode exitCode;

  public UserError(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public UserError(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
