package io.edgeuploader.cli;

import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.sink.DeltaSink;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "upgrade-table",
    mixinStandardHelpOptions = true,
    description = {
      "Turn on column mapping for a Delta table created without it (by release 0.1, or with"
          + " --schema-evolution rescue), so that columns the application adds in SQLite become"
          + " Delta columns. One commit; the table's files stay as they are.",
      "It raises the table's protocol to reader 2 / writer 7 with columnMapping: every reader"
          + " must support column mapping (Databricks, Delta Lake for Spark 1.2+, Delta Kernel)."
    })
final class UpgradeTableCommand implements Callable<Integer>, ConfiguredCommand {
  @Spec CommandSpec spec;
  @Mixin LogOptions log;

  @Override
  public Set<ConfigKey.Use> uses() {
    return EnumSet.of(ConfigKey.Use.TABLE);
  }

  @Override
  public Integer call() {
    for (DeltaSink sink : ConfigOptions.deltaTables(spec)) {
      Optional<Boolean> upgraded = sink.upgrade();
      if (upgraded.isEmpty()) throw ConfigOptions.noTable(sink);
      System.out.println(
          sink.tablePath()
              + (upgraded.get()
                  ? ": column mapping on; columns added in SQLite become Delta columns from the"
                      + " next upload"
                  : ": column mapping was already on; nothing to do"));
    }
    return 0;
  }
}
