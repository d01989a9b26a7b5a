package io.edgeuploader;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * For the race tests: with {@value #ENV} set to a file path, a process holds its first commit,
 * files written, until that file exists, so that several processes released together surely race
 * for one version. Unset in normal use, where the check is one comparison with null.
 */
public final class CommitGate {
  public static final String ENV = "EDGE_UPLOADER_HOLD_FIRST_COMMIT_UNTIL";
  private static final String GATE = System.getenv(ENV);
  private static boolean passed;

  private CommitGate() {}

  public static void await() {
    if (GATE == null || passed) return;
    org.slf4j.LoggerFactory.getLogger(CommitGate.class).info("event=commit_held until={}", GATE);
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (!Files.exists(Path.of(GATE)) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    passed = true;
  }
}
