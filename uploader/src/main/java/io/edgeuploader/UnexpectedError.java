package io.edgeuploader;

/**
 * A failure nobody has classified: a bug, or a store answering in a way not seen before. {@code
 * run} logs it and retries with backoff, but stops with exit code 1 once nothing but such failures
 * has happened for a while (see UploadLoop); {@code once} stops at once.
 */
public final class UnexpectedError extends RuntimeException {
  public UnexpectedError(String message, Throwable cause) {
    super(message, cause);
  }
}
