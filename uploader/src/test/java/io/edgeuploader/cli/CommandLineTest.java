package io.edgeuploader.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgeuploader.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the command line in this JVM, as users' scripts see it: stdout, stderr (logs included) and
 * the exit code, with the one-line error rule checked by {@link #assertUserError}.
 */
abstract class CommandLineTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedOut;
  private PrintStream savedErr;
  TestDatabase db;

  @BeforeEach
  void capture() {
    savedOut = System.out;
    savedErr = System.err;
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    db = new TestDatabase(dir);
  }

  @AfterEach
  void restore() {
    System.setOut(savedOut);
    System.setErr(savedErr);
  }

  int run(String... args) {
    out.reset();
    err.reset();
    return Main.execute(args);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  String[] withPaths(String command, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "--sqlite",
                db.file.toString(),
                "--table-path",
                db.table.toString(),
                "--state-dir",
                db.state.toString(),
                "--node-id",
                "n1"));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  /** One line naming the problem, no stack trace, and the documented exit code. */
  void assertUserError(int expectedCode, String mentions, String... args) {
    int code = run(args);
    assertEquals(expectedCode, code, "exit code; stderr: " + err());
    String e = err().strip();
    List<String> errors = e.lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, errors.size(), "exactly one error line: " + e);
    assertTrue(errors.get(0).contains(mentions), "should mention '" + mentions + "': " + e);
    assertFalse(e.contains("\tat "), "no stack trace without --debug: " + e);
  }
}
