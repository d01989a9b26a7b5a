package io.edgeuploader.cli;

import picocli.CommandLine.Option;

/** --debug, shared by every command: library logs and stack traces. */
final class DebugOption {
  static boolean enabled;

  @Option(
      names = "--debug",
      description = "Log the libraries' chatter and print stack traces of errors.")
  void set(boolean debug) {
    enabled = debug;
    Logging.configure(debug);
  }
}
