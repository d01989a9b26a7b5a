package io.edgeuploader.source;

/** A failure reading SQLite that may pass (a lock held too long, an I/O hiccup): retried later. */
public final class SourceException extends RuntimeException {
  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
