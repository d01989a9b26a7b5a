package io.edgeuploader.ops;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * OpenTelemetry spans for data lineage, exported over OTLP/HTTP when an endpoint is configured: a
 * span per upload pass and a child per commit, saying which node moved which rows from which SQLite
 * table into which Delta table version. Without an endpoint the tracer is a no-op.
 */
public final class Tracing implements AutoCloseable {
  public static final AttributeKey<String> NODE = AttributeKey.stringKey("uploader.node_id");
  public static final AttributeKey<String> SOURCE_DATABASE =
      AttributeKey.stringKey("uploader.source.database");
  public static final AttributeKey<String> SOURCE_TABLE =
      AttributeKey.stringKey("uploader.source.table");
  public static final AttributeKey<String> TARGET =
      AttributeKey.stringKey("uploader.delta.table_path");
  public static final AttributeKey<Long> VERSION = AttributeKey.longKey("uploader.delta.version");
  public static final AttributeKey<Long> ROWS = AttributeKey.longKey("uploader.rows");
  public static final AttributeKey<Long> BYTES = AttributeKey.longKey("uploader.bytes");
  public static final AttributeKey<Long> COMMITS = AttributeKey.longKey("uploader.commits");

  private final Tracer tracer;
  private final Optional<OpenTelemetrySdk> sdk;

  private Tracing(Tracer tracer, Optional<OpenTelemetrySdk> sdk) {
    this.tracer = tracer;
    this.sdk = sdk;
  }

  public static Tracing off() {
    return new Tracing(OpenTelemetry.noop().getTracer("edge-uploader"), Optional.empty());
  }

  /** Spans batched and sent to {@code endpoint}/v1/traces (an OTLP/HTTP receiver). */
  public static Tracing otlp(URI endpoint, String nodeId) {
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(endpoint.toString().replaceAll("/+$", "") + "/v1/traces")
            .setTimeout(Duration.ofSeconds(10))
            .build();
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        "edge-uploader",
                        AttributeKey.stringKey("service.instance.id"),
                        nodeId)));
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(resource)
                    .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                    .build())
            .build();
    return new Tracing(sdk.getTracer("edge-uploader"), Optional.of(sdk));
  }

  /**
   * Runs {@code work} in a span made current (spans begun inside are its children); {@code done}
   * gives the attributes known only at the end (version, rows, bytes). A failure is recorded on the
   * span and rethrown.
   */
  public <T> T traced(
      String name, Attributes attributes, Supplier<T> work, Function<T, Attributes> done) {
    Span span = tracer.spanBuilder(name).setAllAttributes(attributes).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      T result = work.get();
      span.setAllAttributes(done.apply(result));
      return result;
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      throw e;
    } finally {
      span.end();
    }
  }

  /** Sends the spans batched so far, waiting at most 2 s for the collector. */
  public void flush() {
    sdk.ifPresent(s -> s.getSdkTracerProvider().forceFlush().join(2, TimeUnit.SECONDS));
  }

  /** Sends the spans still batched; a collector that does not answer costs at most 10 s. */
  @Override
  public void close() {
    sdk.ifPresent(s -> s.getSdkTracerProvider().shutdown().join(10, TimeUnit.SECONDS));
  }
}
