package io.edgeuploader;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stores an integration test runs on, each real: local disk, S3 (S3Proxy, started with the
 * stores) and ADLS through ABFS (Azurite's Blob endpoint, started by the first test that needs it,
 * so that where npm is missing only the Azure tests are skipped; AzuriteServer decides).
 */
final class TestStores implements AutoCloseable {
  enum Backend {
    LOCAL,
    S3,
    AZURE
  }

  private static final AtomicInteger LOCATIONS = new AtomicInteger();

  private final Path dir;
  private final S3ProxyServer s3;
  private AzuriteServer azure;

  private TestStores(Path dir, S3ProxyServer s3) {
    this.dir = dir;
    this.s3 = s3;
  }

  /** Starts S3Proxy under {@code dir}; Azurite waits until a test asks for it. */
  static TestStores start(Path dir) throws Exception {
    return new TestStores(dir, S3ProxyServer.start(dir.resolve("s3")));
  }

  S3ProxyServer s3() {
    return s3;
  }

  private synchronized AzuriteServer azure() throws Exception {
    if (azure == null) azure = AzuriteServer.start(dir.resolve("azurite"));
    return azure;
  }

  /**
   * A fresh location on the backend, ending in {@code path}: a new directory under {@code
   * localDir}, a new bucket (see DeltaTableReader) or a new container.
   */
  String newLocation(Backend backend, Path localDir, String path) throws Exception {
    int n = LOCATIONS.incrementAndGet();
    return switch (backend) {
      case LOCAL -> localDir.resolve("store-" + n).resolve(path).toString();
      case S3 -> "s3://" + s3.createBucket("bucket-" + n) + "/" + path;
      case AZURE -> {
        azure();
        yield AzuriteServer.tablePath("store-" + n, path);
      }
    };
  }

  /** What the uploader's environment needs to reach the backend. */
  Map<String, String> env(Backend backend) throws Exception {
    return switch (backend) {
      case LOCAL -> Map.of();
      case S3 -> s3.env();
      case AZURE -> azure().env();
    };
  }

  @Override
  public void close() throws Exception {
    s3.close();
    if (azure != null) azure.close();
  }
}
