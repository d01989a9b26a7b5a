package io.edgeuploader.cli;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UnexpectedError;
import io.edgeuploader.UserError;
import io.edgeuploader.sink.SinkException;
import io.edgeuploader.source.SourceException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** Entry point of uploader.jar. */
@Command(
    name = "uploader",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    subcommands = {
      RunCommand.class,
      OnceCommand.class,
      StatusCommand.class,
      MaintainCommand.class,
      UpgradeTableCommand.class,
      ExampleConfigCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "Ships the new rows of a SQLite table into a Delta Lake table, exactly once, without Spark.",
      "",
      "Every setting is a flag, an environment variable or a key of the --config YAML file"
          + " (flag > environment > file > default); 'example-config' prints them all.",
      ""
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 unexpected error, 2 bad flags or config, 3 SQLite problem,"
          + " 4 Delta table or storage problem, 5 state directory not writable."
    })
public final class Main implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  public static void main(String[] args) {
    int code;
    try {
      code = execute(args);
    } catch (OutOfMemoryError e) {
      // Rows of many megabytes are held a few times over while they are encoded; say so plainly.
      System.err.println(
          "error: out of memory with a heap of "
              + Runtime.getRuntime().maxMemory() / (1 << 20)
              + " MB: rows with large TEXT or BLOB values need a heap several times their size;"
              + " raise -Xmx (JAVA_TOOL_OPTIONS). Nothing was committed for"
              + " the rows in flight; they are uploaded on the next run");
      code = ExitCode.INTERNAL.code;
    }
    System.exit(code);
  }

  /** Runs a command line and returns its exit code (tests call this in-process). */
  public static int execute(String... args) {
    // Logback is process-wide: a command run before this one in the same JVM (tests) may have
    // switched it.
    Logging.reset();
    CommandLine cli = new CommandLine(new Main());
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (sub.getCommand() instanceof ConfiguredCommand c) {
        sub.getCommandSpec().addMixin("config", ConfigOptions.mixin(c.uses()));
      }
    }
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) ->
            report(e, commandLine.getErr(), LogOptions.requested(commandLine)));
    cli.setParameterExceptionHandler(Main::badArguments);
    return cli.execute(args);
  }

  /** One line for a user's mistake; the stack trace only with --debug. */
  static int report(Exception e, PrintWriter err, boolean debug) {
    ExitCode code;
    String message;
    if (e instanceof UserError u) {
      code = u.exitCode();
      message = u.getMessage();
    } else if (e instanceof SinkException) {
      code = ExitCode.SINK;
      message = e.getMessage() + "; run again when the store is back";
    } else if (e instanceof SourceException) {
      code = ExitCode.SOURCE;
      message = e.getMessage();
    } else if (e instanceof UnexpectedError) {
      code = ExitCode.INTERNAL;
      message = e.getMessage() + (debug ? "" : " (run with --debug for the stack trace)");
    } else {
      code = ExitCode.INTERNAL;
      message = "unexpected " + e + (debug ? "" : " (run with --debug for details)");
    }
    if (Logging.isJson()) {
      // A log aggregator gets the reason a node stopped as one more JSON line.
      log.error("event=exit exit_code={} error=\"{}\"", code.code, message, debug ? e : null);
      return code.code;
    }
    err.println("error: " + message);
    if (debug) e.printStackTrace(err);
    err.flush();
    return code.code;
  }

  /** Bad flags or values: one line saying what, and where to read more; exit code 2. */
  private static int badArguments(CommandLine.ParameterException e, String[] args) {
    CommandLine cli = e.getCommandLine();
    PrintWriter err = cli.getErr();
    err.println(
        "error: "
            + e.getMessage()
            + " (see '"
            + cli.getCommandSpec().qualifiedName()
            + " --help')");
    err.flush();
    return ExitCode.CONFIG.code;
  }

  /** Without a command there is nothing to do: the usage, on stderr, and exit code 2. */
  @Override
  public Integer call() {
    CommandLine cli = new CommandLine(this);
    cli.usage(cli.getErr());
    cli.getErr().flush();
    return ExitCode.CONFIG.code;
  }

  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"uploader " + (v == null ? "development build" : v)};
    }
  }
}
