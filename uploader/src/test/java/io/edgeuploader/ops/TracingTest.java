package io.edgeuploader.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.edgeuploader.TestDatabase;
import io.edgeuploader.Uploaders;
import io.edgeuploader.config.ConfigKey;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spans sent over OTLP/HTTP to a receiver the test runs on 127.0.0.1. */
class TracingTest {
  @TempDir Path dir;

  private static Map<String, String> attributes(List<KeyValue> kvs) {
    return kvs.stream()
        .collect(
            Collectors.toMap(
                KeyValue::getKey,
                kv ->
                    kv.getValue().hasIntValue()
                        ? String.valueOf(kv.getValue().getIntValue())
                        : kv.getValue().getStringValue()));
  }

  @Test
  void aPassAndEachCommitAreSpansCarryingTheLineage() throws Exception {
    List<Span> spans = new CopyOnWriteArrayList<>();
    List<Resource> resources = new CopyOnWriteArrayList<>();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/v1/traces",
        exchange -> {
          try (InputStream body = exchange.getRequestBody()) {
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans rs : request.getResourceSpansList()) {
              resources.add(rs.getResource());
              for (ScopeSpans ss : rs.getScopeSpansList()) spans.addAll(ss.getSpansList());
            }
          }
          byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
          exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
          exchange.sendResponseHeaders(200, ok.length);
          exchange.getResponseBody().write(ok);
          exchange.close();
        });
    receiver.start();
    try {
      TestDatabase db =
          new TestDatabase(dir)
              .sql(
                  "CREATE TABLE t (id INTEGER PRIMARY KEY, ts TEXT)",
                  "INSERT INTO t (ts) VALUES ('2024-01-01T00:00:00Z'), ('2024-01-01T00:00:01Z'),"
                      + " ('2024-01-01T00:00:02Z')");
      String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
      try (Uploaders uploaders =
          Uploaders.open(
              db.config(ConfigKey.OTLP_ENDPOINT, endpoint, ConfigKey.BATCH_ROWS, 2), Map.of())) {
        uploaders.list().get(0).uploadPending(() -> false);
      } // closing flushes the batched spans
    } finally {
      receiver.stop(0);
    }

    assertEquals(
        "edge-uploader", attributes(resources.get(0).getAttributesList()).get("service.name"));
    List<Span> passes = spans.stream().filter(s -> s.getName().equals("upload_pass")).toList();
    List<Span> commits = spans.stream().filter(s -> s.getName().equals("commit")).toList();
    assertEquals(1, passes.size(), spans.toString());
    assertEquals(2, commits.size(), spans.toString());
    Map<String, String> pass = attributes(passes.get(0).getAttributesList());
    assertEquals("test-node", pass.get("uploader.node_id"));
    assertEquals("t", pass.get("uploader.source.table"));
    assertTrue(pass.get("uploader.source.database").endsWith("source.db"), pass.toString());
    assertTrue(pass.get("uploader.delta.table_path").contains("delta"), pass.toString());
    assertEquals("3", pass.get("uploader.rows"));
    assertEquals("2", pass.get("uploader.commits"));
    assertEquals("2", pass.get("uploader.delta.version"));
    long rows = 0;
    for (Span commit : commits) {
      assertEquals(passes.get(0).getSpanId(), commit.getParentSpanId(), "a child of the pass");
      Map<String, String> a = attributes(commit.getAttributesList());
      rows += Long.parseLong(a.get("uploader.rows"));
      assertTrue(Long.parseLong(a.get("uploader.bytes")) > 0, a.toString());
      assertEquals("t", a.get("uploader.source.table"));
    }
    assertEquals(3, rows);
  }
}
