package io.edgeuploader.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.sink.Checkpoints;
import io.edgeuploader.sink.DeltaSink;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
    name = "maintain",
    mixinStandardHelpOptions = true,
    description = {
      "Keep a table that many nodes write healthy, from one place (a gateway, a VM, a Databricks"
          + " job, cron): write a checkpoint at the latest version, remove log files older than"
          + " the table's delta.logRetentionDuration (30 days by default) as Delta does, and"
          + " report the fleet. One round, then exit 0; run it every few minutes.",
      "Edge nodes of a shared table leave checkpoints to this (see --checkpoint)."
    })
final class MaintainCommand implements Callable<Integer>, ConfiguredCommand {
  @Spec CommandSpec spec;
  @Mixin LogOptions log;

  @Option(names = "--json", description = "Print one JSON object per table instead of text.")
  boolean json;

  @Override
  public Set<ConfigKey.Use> uses() {
    return EnumSet.of(ConfigKey.Use.TABLE);
  }

  @Override
  public Integer call() {
    for (DeltaSink sink : ConfigOptions.deltaTables(spec)) {
      Optional<Checkpoints.Maintenance> done = sink.maintain();
      if (done.isEmpty()) throw ConfigOptions.noTable(sink);
      Checkpoints.Maintenance m = done.get();
      if (json) {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("table_path", sink.tablePath());
        o.put("delta_version", m.version());
        o.put("checkpoint_written", m.checkpointWritten());
        o.put("log_files_removed", m.logFilesRemoved());
        System.out.println(o);
      } else {
        System.out.println(
            sink.tablePath()
                + " at version "
                + m.version()
                + ": "
                + (m.checkpointWritten() ? "checkpoint written" : "checkpoint already there")
                + ", "
                + m.logFilesRemoved()
                + " expired log files removed");
      }
      sink.latest().ifPresent(t -> FleetReport.print(sink.tablePath(), t, json, System.out));
    }
    return 0;
  }
}
