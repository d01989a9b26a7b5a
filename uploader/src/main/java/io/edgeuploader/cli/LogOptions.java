package io.edgeuploader.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** --debug and --log-format, shared by every command. */
final class LogOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = "--debug",
      description = "Log the libraries' chatter and print stack traces of errors.")
  void setDebug(boolean on) {
    Logging.debug(on);
  }

  /** Whether the command that {@code cli} ran was given --debug. */
  static boolean requested(CommandLine cli) {
    return cli.getParseResult() != null && cli.getParseResult().hasMatchedOption("--debug");
  }

  @Option(
      names = "--log-format",
      paramLabel = "FORMAT",
      defaultValue = "${env:LOG_FORMAT:-text}",
      description =
          "text (one 'event=... key=value' line each) or json (one JSON object per line)"
              + " (env LOG_FORMAT; default text).")
  void setFormat(String format) {
    switch (format) {
      case "text" -> Logging.json(false);
      case "json" -> Logging.json(true);
      default ->
          throw new ParameterException(
              mixee.commandLine(),
              "--log-format / LOG_FORMAT: '" + format + "' is not text or json");
    }
  }
}
