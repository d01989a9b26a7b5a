package io.edgeuploader.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP port: {@code /metrics} (Prometheus text format), {@code /healthz} (the process
 * answers) and {@code /readyz} (the last pass succeeded recently; 503 with the reason otherwise).
 * One thread: scrapes and probes are rare and cheap.
 */
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

  private final HttpServer server;

  /**
   * @param readyWithin how recent the last successful pass must be for {@code /readyz}
   */
  public MetricsServer(String host, int port, Metrics metrics, Duration readyWithin) {
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 8);
    } catch (IOException e) {
      throw new UserError(
          ExitCode.CONFIG,
          "cannot listen on "
              + host
              + ":"
              + port
              + " for metrics ("
              + e.getMessage()
              + "); choose another --metrics-port / METRICS_PORT",
          e);
    }
    server.createContext("/metrics", new MetricsHandler(metrics.registry()));
    server.createContext("/healthz", exchange -> answer(exchange, 200, "ok\n"));
    server.createContext(
        "/readyz",
        exchange -> {
          Optional<String> reason = metrics.notReadyBecause(readyWithin);
          answer(exchange, reason.isEmpty() ? 200 : 503, reason.orElse("ready") + "\n");
        });
    server.setExecutor(
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "metrics-http");
              t.setDaemon(true);
              return t;
            }));
    server.start();
    log.info(
        "event=metrics_listening address={}:{} paths=/metrics,/healthz,/readyz",
        host,
        server.getAddress().getPort());
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
