package io.edgeuploader.cli;

import io.edgeuploader.Uploader;
import io.edgeuploader.config.UploaderConfig;
import picocli.CommandLine.Option;

/** --dry-run of the uploading commands: every decision shown, nothing written. */
final class DryRunOption {
  @Option(
      names = "--dry-run",
      description =
          "Show the table, timestamp column, schema mapping and pending rows; write nothing.")
  boolean enabled;

  /** Prints the plan and returns true if this is a dry run. */
  boolean printIfRequested(Uploader uploader, UploaderConfig config) {
    if (!enabled) return false;
    DryRun.print(uploader, config, System.out);
    System.out.println("Dry run: nothing was written.");
    return true;
  }
}
