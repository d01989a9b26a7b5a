package io.edgeuploader.sink;

/** A failure of the Delta table's storage that may pass (an outage, a timeout): retried later. */
public class SinkException extends RuntimeException {
  public SinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
