package io.edgeuploader.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Which checkpoints (and checksum files) an uploader writes after its commits. A checkpoint holds
 * every live file of the table, so on a table shared by a fleet the node that happens to commit
 * version 10k would build and upload one sized by the whole fleet: there a maintainer ({@code
 * maintain}) writes them instead.
 */
public enum CheckpointPolicy {
  /** Every ten commits while this source is the table's only one; on a shared table, none. */
  AUTO,
  /** Every ten commits, whoever else writes to the table. */
  ALWAYS,
  /** None: checkpoints are the maintainer's. */
  NEVER;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<CheckpointPolicy> named(String text) {
    return Arrays.stream(values()).filter(p -> p.configName().equals(text)).findFirst();
  }
}
