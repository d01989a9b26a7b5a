package io.edgeuploader;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real uploader.jar in its own JVM, as users and service managers start it (also for the Spark
 * tests in interop/, which is why it is public).
 */
public final class UploaderProcess {
  static final Path JAR = Path.of(System.getProperty("uploader.jar", "target/uploader.jar"));

  /**
   * Extra JVM flags for every uploader a test starts (-Duploader.jvm.flags="..."), e.g. the
   * class-loading log that measures which classes the image must keep (README, "Image size").
   */
  static List<String> extraJvmFlags() {
    String flags = System.getProperty("uploader.jvm.flags", "").strip();
    return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
  }

  private UploaderProcess() {}

  public static Process start(Path log, Map<String, String> env, String... args)
      throws IOException {
    return startWithHeap("256m", log, env, args);
  }

  static Process startWithHeap(String heap, Path log, Map<String, String> env, String... args)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:+UseSerialGC"); // as the shipped launchers run it
    command.add("-Xmx" + heap);
    command.addAll(extraJvmFlags());
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs to the end and returns the exit code. */
  public static int run(Path log, Map<String, String> env, String... args) throws Exception {
    Process p = start(log, env, args);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("uploader did not finish in 120 s; log " + log);
    }
    return p.exitValue();
  }

  static String[] args(TestDatabase db, String command, String... extra) {
    return argsOn(db, db.table.toString(), "crash-node", command, extra);
  }

  static String[] argsOn(
      TestDatabase db, String tablePath, String nodeId, String command, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                command,
                "--sqlite",
                db.file.toString(),
                "--table-path",
                tablePath,
                "--state-dir",
                db.state.toString(),
                "--node-id",
                nodeId));
    a.addAll(List.of(extra));
    return a.toArray(new String[0]);
  }

  public static String logText(Path log) throws IOException {
    File f = log.toFile();
    return f.exists() ? java.nio.file.Files.readString(log) : "";
  }
}
