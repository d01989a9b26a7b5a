package io.edgeuploader.cli;

import java.net.HttpURLConnection;
import java.net.URL;

/**
 * The container health check: exits 0 if the daemon's {@code /readyz} answers 200. A class of its
 * own rather than a subcommand so that each probe starts a bare JVM (no picocli, no logging, no
 * Hadoop), and because the runtime image has no curl.
 */
public final class ReadyProbe {
  private ReadyProbe() {}

  public static void main(String[] args) {
    String port = System.getenv().getOrDefault("METRICS_PORT", "9464");
    try {
      HttpURLConnection c =
          (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/readyz").openConnection();
      c.setConnectTimeout(2000);
      c.setReadTimeout(4000);
      int status = c.getResponseCode();
      System.out.println(
          status + " " + new String(readAll(c), java.nio.charset.StandardCharsets.UTF_8).trim());
      System.exit(status == 200 ? 0 : 1);
    } catch (java.io.IOException e) {
      System.out.println("no answer on 127.0.0.1:" + port + ": " + e.getMessage());
      System.exit(1);
    }
  }

  private static byte[] readAll(HttpURLConnection c) throws java.io.IOException {
    var in = c.getResponseCode() < 400 ? c.getInputStream() : c.getErrorStream();
    return in == null ? new byte[0] : in.readAllBytes();
  }
}
