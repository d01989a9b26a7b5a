package io.edgeuploader.cli;

import io.edgeuploader.Uploaders;
import io.edgeuploader.config.DaemonConfig;
import picocli.CommandLine.Option;

/** --dry-run of the uploading commands: every decision shown, nothing written. */
final class DryRunOption {
  @Option(
      names = "--dry-run",
      description =
          "Show the table, timestamp column, schema mapping and pending rows; write nothing.")
  boolean enabled;

  /**
   * Prints the plan of each table and returns true if this is a dry run. What the real run would
   * refuse is refused here too, with the same message and exit code.
   */
  boolean printIfRequested(Uploaders uploaders, DaemonConfig config) {
    if (!enabled) return false;
    for (int i = 0; i < config.tables().size(); i++) {
      if (i > 0) System.out.println();
      DryRun.print(uploaders.list().get(i), config, config.tables().get(i), System.out);
    }
    for (var uploader : uploaders.list()) {
      uploader.cache().checkWritableWithoutWriting();
      uploader.preflight();
    }
    System.out.println("Dry run: nothing was written.");
    return true;
  }
}
