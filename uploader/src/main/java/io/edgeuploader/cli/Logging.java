package io.edgeuploader.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our own events at INFO; Kernel, Hadoop and Parquet only when they report an error (at INFO they
 * say about twenty lines per commit, and their warnings come with pages of stack frames) unless
 * --debug, which also shows stack traces. Logs go to stderr so stdout carries only command output
 * such as JSON.
 */
final class Logging {
  /** logback.xml's pattern leaves stack traces out (%nopex); --debug puts them back. */
  private static final String DEBUG_PATTERN =
      "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n";

  private static boolean debug;
  private static boolean json;

  /** The encoder logback.xml set up (its text pattern), kept while another one is in use. */
  private static Encoder<ILoggingEvent> textEncoder;

  private Logging() {}

  static boolean isJson() {
    return json;
  }

  /**
   * Back to logback.xml's settings (a command run earlier in the same JVM may have changed them).
   */
  static void reset() {
    debug = false;
    json = false;
    apply();
  }

  static void debug(boolean on) {
    debug = on;
    apply();
  }

  /** Switches stderr between the text pattern and one JSON object per line. */
  static void json(boolean on) {
    json = on;
    apply();
  }

  private static void apply() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
    levels(ctx);
    var appender =
        (ConsoleAppender<ILoggingEvent>)
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    if (appender == null) return;
    if (textEncoder == null) textEncoder = appender.getEncoder();
    Encoder<ILoggingEvent> wanted =
        json ? jsonEncoder(ctx) : debug ? debugEncoder(ctx) : textEncoder;
    appender.stop();
    appender.setEncoder(wanted);
    appender.start();
  }

  private static Encoder<ILoggingEvent> jsonEncoder(LoggerContext ctx) {
    JsonLogLayout layout = new JsonLogLayout();
    layout.setContext(ctx);
    layout.start();
    LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
    encoder.setContext(ctx);
    encoder.setLayout(layout);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> debugEncoder(LoggerContext ctx) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern(DEBUG_PATTERN);
    encoder.start();
    return encoder;
  }

  private static void levels(LoggerContext ctx) {
    ctx.getLogger("io.edgeuploader").setLevel(debug ? Level.DEBUG : Level.INFO);
    Level libraries = debug ? Level.INFO : Level.ERROR;
    for (String name : new String[] {"io.delta", "org.apache", "io.unitycatalog"}) {
      ctx.getLogger(name).setLevel(libraries);
    }
    // Said on every start, or of every table younger than its first checkpoint, or by S3A with a
    // page of stream statistics for each commit that loses a race (expected in a fleet): noise,
    // even with --debug.
    for (String name :
        new String[] {
          "org.apache.hadoop.util.NativeCodeLoader",
          "org.apache.hadoop.fs.s3a.S3ABlockOutputStream",
          "org.apache.hadoop.fs.s3a.S3AInstrumentation",
          "io.delta.kernel.internal.snapshot.SnapshotManager"
        }) {
      ctx.getLogger(name).setLevel(debug ? Level.WARN : Level.ERROR);
    }
  }
}
