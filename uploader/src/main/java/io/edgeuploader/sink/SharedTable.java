package io.edgeuploader.sink;

import io.delta.kernel.Snapshot;
import io.delta.kernel.engine.Engine;

/**
 * Whether other sources commit to one table, as its sink last found out: once they do, for good;
 * while they do not, asked again only when a commit not made here came in between, since the answer
 * may mean replaying every source's cursor ({@link DeltaVersion#sharedWith}).
 */
final class SharedTable {
  private final Engine engine;
  private boolean shared;
  private long lastCommitted = -1;

  SharedTable(Engine engine) {
    this.engine = engine;
  }

  /**
   * After a commit by {@code appId}: whether the table is shared.
   *
   * @param read the table the commit was made for, whose commits since the checkpoint were read
   * @param landedOn the table the commit landed on (newer than {@code read} after lost races)
   * @param version the version the commit became
   */
  boolean afterCommit(DeltaVersion read, Snapshot landedOn, String appId, long version) {
    if (!shared && landedOn.getVersion() != lastCommitted) {
      DeltaVersion on = landedOn == read.snapshot() ? read : new DeltaVersion(landedOn, engine);
      shared = on.sharedWith(appId);
    }
    lastCommitted = version;
    return shared;
  }
}
