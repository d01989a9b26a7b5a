package io.edgeuploader.cli;

import io.edgeuploader.config.ConfigKey;
import io.edgeuploader.config.ConfigLoader;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.TableConfig;
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

  /** The tables of the configuration, for commands that read only the Delta tables. */
  static List<TableConfig> loadTables(CommandSpec command) {
    ParseResult parsed = command.commandLine().getParseResult();
    return ConfigLoader.loadTables(file(parsed), System.getenv(), flags(parsed));
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
