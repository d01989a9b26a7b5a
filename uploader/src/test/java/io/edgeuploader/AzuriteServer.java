package io.edgeuploader;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Azure's storage emulator, Azurite (npm), serving the Blob endpoint on 127.0.0.1 in its own
 * process. ABFS reaches it in Blob-endpoint mode: the ADLS Gen2 DFS endpoint and hierarchical
 * namespace are not emulated. Installed on first use into {@code .test-servers/} at the repo root
 * (npm from the npm registry); on a machine without npm the Azure tests are skipped, except in CI,
 * where they must run.
 */
final class AzuriteServer implements AutoCloseable {
  static final String VERSION = "3.37.0";
  static final String ACCOUNT = "devstoreaccount1";

  /** The emulator's published, well-known development key (not a secret). */
  static final String KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

  private static final Path INSTALL = Path.of("..", ".test-servers", "azurite").toAbsolutePath();

  private final Path dir;
  private final int port;
  private Process process;

  private AzuriteServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  static AzuriteServer start(Path dir) throws Exception {
    Path bin = install();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    AzuriteServer server = new AzuriteServer(dir, port);
    Files.createDirectories(dir);
    server.process =
        new ProcessBuilder(
                List.of(
                    bin.toString(),
                    "--blobHost",
                    "127.0.0.1",
                    "--blobPort",
                    String.valueOf(port),
                    "--location",
                    dir.toString(),
                    "--skipApiVersionCheck",
                    "--loose",
                    "--disableTelemetry"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("azurite.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return server;
      } catch (IOException notYet) {
        if (!server.process.isAlive()) break;
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("Azurite did not start; see " + dir.resolve("azurite.log"));
  }

  private static Path install() throws Exception {
    Path bin = INSTALL.resolve("node_modules/.bin/azurite-blob");
    if (Files.isExecutable(bin)) return bin;
    boolean ci = System.getenv("CI") != null;
    Process npm;
    try {
      Files.createDirectories(INSTALL);
      npm =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  INSTALL.toString(),
                  "azurite@" + VERSION)
              .redirectErrorStream(true)
              .redirectOutput(INSTALL.resolve("npm-install.log").toFile())
              .start();
    } catch (IOException noNpm) {
      Assumptions.assumeTrue(ci, "npm is not installed: skipping the Azure (Azurite) tests");
      throw noNpm;
    }
    if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0 || !Files.isExecutable(bin)) {
      throw new IllegalStateException(
          "npm install azurite failed; see " + INSTALL.resolve("npm-install.log"));
    }
    return bin;
  }

  /** The environment an uploader needs: the connection string Azure tools use for Azurite. */
  Map<String, String> env() {
    return Map.of(
        "AZURE_STORAGE_CONNECTION_STRING",
        "DefaultEndpointsProtocol=http;AccountName="
            + ACCOUNT
            + ";AccountKey="
            + KEY
            + ";BlobEndpoint=http://127.0.0.1:"
            + port
            + "/"
            + ACCOUNT
            + ";");
  }

  /** A table location in a new container (created by ABFS on first use). */
  static String tablePath(String container, String path) {
    return "abfs://" + container + "@" + ACCOUNT + ".dfs.core.windows.net/" + path;
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
