package io.edgeuploader.bench;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An OTLP/HTTP receiver on 127.0.0.1 that writes one line per span it gets: {@code name duration_ms
 * rows version}. The uploader logs a commit's duration but not a pass's; its {@code upload_pass}
 * span has the pass's wall time (table load, cursor, commit), measured inside the process, so the
 * benchmark reads passes from the daemon's own spans.
 *
 * <p>usage: SpanRecorder PORT OUT_FILE (runs until killed)
 */
public final class SpanRecorder {
  private SpanRecorder() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]);
    PrintWriter lines =
        new PrintWriter(
            Files.newBufferedWriter(out, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            true);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans rs : request.getResourceSpansList()) {
              for (ScopeSpans ss : rs.getScopeSpansList()) {
                for (Span s : ss.getSpansList()) lines.println(line(s));
              }
            }
          }
          byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
          exchange.close();
        });
    server.start();
    System.out.println("spans: listening on 127.0.0.1:" + port);
  }

  private static String line(Span s) {
    double ms = (s.getEndTimeUnixNano() - s.getStartTimeUnixNano()) / 1e6;
    return String.format(
        "%s %.1f %s %s",
        s.getName(), ms, attribute(s, "uploader.rows"), attribute(s, "uploader.delta.version"));
  }

  private static String attribute(Span s, String key) {
    for (KeyValue kv : s.getAttributesList()) {
      if (kv.getKey().equals(key)) return String.valueOf(kv.getValue().getIntValue());
    }
    return "-";
  }
}
