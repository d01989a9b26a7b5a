package io.edgeuploader.cli;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.ConfigLoader;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.sink.DeltaSink;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The settings as command-line options, made from {@link ConfigKey} so that flags, help text and
 * defaults have one source. Every command that reads settings accepts all of them (one set of flags
 * works with every command, as scripts pass them), and its --help lists those it uses.
 */
final class ConfigOptions {
  static final String CONFIG_FLAG = "--config";

  private ConfigOptions() {}

  /** The options, as a mixin for a command that uses the settings of {@code shown}. */
  static CommandSpec mixin(Set<ConfigKey.Use> shown) {
    CommandSpec spec = CommandSpec.create();
    spec.addOption(
        OptionSpec.builder(CONFIG_FLAG)
            .paramLabel("FILE")
            .type(Path.class)
            .description("YAML config file ('example-config' prints one).")
            .build());
    for (ConfigKey key : ConfigKey.values()) {
      OptionSpec.Builder option =
          OptionSpec.builder(key.flag)
              .paramLabel(key.paramLabel)
              .type(String.class)
              .description(key.description())
              .hidden(!shown.contains(key.use));
      if (key.isSwitch()) option.arity("0..1").fallbackValue("true");
      spec.addOption(option.build());
    }
    return spec;
  }

  /** The configuration from the flags {@code command} was given, the environment and the file. */
  static DaemonConfig load(CommandSpec command) {
    ParseResult parsed = command.commandLine().getParseResult();
    return ConfigLoader.load(file(parsed), System.getenv(), flags(parsed));
  }

  /**
   * The Delta tables of the configuration, for the commands that work on a table alone (status
   * --fleet, maintain, upgrade-table). Landing zones are left out: their table is the ingester's.
   */
  static List<DeltaSink> deltaTables(CommandSpec command) {
    ParseResult parsed = command.commandLine().getParseResult();
    List<DeltaSink> tables =
        ConfigLoader.loadTables(file(parsed), System.getenv(), flags(parsed)).stream()
            .filter(t -> t.tablePath() != null)
            .map(t -> new DeltaSink(t.tablePath(), t, System.getenv()))
            .toList();
    if (tables.isEmpty()) {
      throw new UserError(
          ExitCode.CONFIG,
          command.name()
              + " works on a Delta table: give --table-path (TABLE_PATH); a landing zone's table"
              + " is the ingesting job's");
    }
    return tables;
  }

  /** The line for a table path with no Delta table at it. */
  static UserError noTable(DeltaSink sink) {
    return new UserError(
        ExitCode.SINK,
        "no Delta table at " + sink.tablePath() + "; check --table-path / TABLE_PATH");
  }

  private static Optional<Path> file(ParseResult parsed) {
    return Optional.ofNullable(parsed.matchedOptionValue(CONFIG_FLAG, (Path) null));
  }

  private static Map<ConfigKey, String> flags(ParseResult parsed) {
    Map<ConfigKey, String> flags = new EnumMap<>(ConfigKey.class);
    for (ConfigKey key : ConfigKey.values()) {
      if (parsed.hasMatchedOption(key.flag)) {
        flags.put(key, parsed.matchedOptionValue(key.flag, (String) null));
      }
    }
    return flags;
  }
}
