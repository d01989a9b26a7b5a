package io.edgeuploader.sink;

/**
 * The table already holds the commit this source was about to make: another process uploads the
 * same source (the same node id, database file and table). Retried like an outage: the next pass
 * re-reads the source's cursor from the table and uploads nothing twice.
 */
public final class SourceCommittedElsewhereException extends SinkException {
  SourceCommittedElsewhereException(String message, Throwable cause) {
    super(message, cause);
  }
}
