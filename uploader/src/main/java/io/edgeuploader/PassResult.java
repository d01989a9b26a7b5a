package io.edgeuploader;

/** What one upload pass did: its rows, commits and rescued values, and the last version written. */
public record PassResult(long rows, int commits, long rescued, long lastVersion) {
  static final PassResult NOTHING = new PassResult(0, 0, 0, -1);

  /** This pass with one more commit of {@code commitRows} rows that made {@code version}. */
  PassResult plus(long commitRows, long commitRescued, long version) {
    return new PassResult(rows + commitRows, commits + 1, rescued + commitRescued, version);
  }
}
