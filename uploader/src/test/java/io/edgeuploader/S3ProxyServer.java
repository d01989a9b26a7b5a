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

/**
 * A real S3 protocol server on 127.0.0.1: S3Proxy (from Maven Central, copied into target/ by the
 * build) over a directory, in its own JVM. It checks request signatures and honours {@code
 * If-None-Match: *}, which the conditional log store relies on. Stop and start it to play an
 * outage; the data survives in the directory.
 */
public final class S3ProxyServer implements AutoCloseable {
  static final String IDENTITY = "local-identity";
  static final String CREDENTIAL = "local-credential";
  private static final Path JAR =
      Path.of(System.getProperty("s3proxy.jar", "target/test-servers/s3proxy.jar"));

  private final Path dir;
  private final int port;
  private Process process;

  private S3ProxyServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  public static S3ProxyServer start(Path dir) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    S3ProxyServer server = new S3ProxyServer(dir, port);
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(
        dir.resolve("s3proxy.conf"),
        String.join(
            "\n",
            "s3proxy.endpoint=" + server.endpoint(),
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + IDENTITY,
            "s3proxy.credential=" + CREDENTIAL,
            "jclouds.provider=filesystem",
            "jclouds.filesystem.basedir=" + dir.resolve("data"),
            ""));
    server.resume();
    return server;
  }

  String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The environment an uploader needs to reach this server. */
  public Map<String, String> env() {
    return Map.of(
        "AWS_ACCESS_KEY_ID",
        IDENTITY,
        "AWS_SECRET_ACCESS_KEY",
        CREDENTIAL,
        "AWS_ENDPOINT_URL",
        endpoint(),
        "AWS_REGION",
        "us-east-1");
  }

  /** A bucket is a directory of the filesystem backend. */
  /** Where the filesystem backend keeps the objects under {@code bucket/prefix}: a local copy. */
  public Path objectPath(String bucket, String prefix) {
    return dir.resolve("data").resolve(bucket).resolve(prefix);
  }

  public String createBucket(String name) throws IOException {
    Files.createDirectories(dir.resolve("data").resolve(name));
    return name;
  }

  void resume() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m",
                    "-jar",
                    JAR.toString(),
                    "--properties",
                    dir.resolve("s3proxy.conf").toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("s3proxy.log").toFile()));
    process = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("S3Proxy exited; see " + dir.resolve("s3proxy.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("S3Proxy did not listen on " + port + " within 60 s");
  }

  /** An outage: the server is gone until {@link #resume()}. */
  void stop() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
