package io.edgeuploader.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our own events at INFO; Kernel, Hadoop and Parquet (about twenty lines per commit at INFO) at
 * WARN unless --debug. Logs go to stderr so stdout carries only command output such as JSON.
 */
final class Logging {
  private static boolean json;

  private Logging() {}

  static boolean isJson() {
    return json;
  }

  /** The encoder logback.xml set up (its text pattern), kept while JSON is on. */
  private static Encoder<ILoggingEvent> textEncoder;

  /** Switches stderr between the text pattern of logback.xml and one JSON object per line. */
  static void json(boolean on) {
    if (on == json || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
    var appender =
        (ConsoleAppender<ILoggingEvent>)
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
    if (appender == null) return;
    json = on;
    Encoder<ILoggingEvent> encoder;
    if (on) {
      textEncoder = appender.getEncoder();
      JsonLogLayout layout = new JsonLogLayout();
      layout.setContext(ctx);
      layout.start();
      LayoutWrappingEncoder<ILoggingEvent> wrapping = new LayoutWrappingEncoder<>();
      wrapping.setContext(ctx);
      wrapping.setLayout(layout);
      wrapping.start();
      encoder = wrapping;
    } else {
      encoder = textEncoder;
    }
    appender.stop();
    appender.setEncoder(encoder);
    appender.start();
  }

  static void configure(boolean debug) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
    ctx.getLogger("io.edgeuploader").setLevel(debug ? Level.DEBUG : Level.INFO);
    Level libraries = debug ? Level.INFO : Level.WARN;
    for (String name : new String[] {"io.delta", "org.apache", "io.unitycatalog"}) {
      ctx.getLogger(name).setLevel(libraries);
    }
    // "Unable to load native-hadoop library" on every start is noise: Java code paths are used.
    ctx.getLogger("org.apache.hadoop.util.NativeCodeLoader").setLevel(Level.ERROR);
    // "Cannot find a complete checkpoint" is said of every table younger than its first
    // checkpoint; it is not a problem.
    // A commit that loses a race on S3 (another node took the version; Kernel retries) makes S3A
    // warn twice with a page of stream statistics. Expected in a fleet, so only errors show.
    for (String name :
        new String[] {
          "org.apache.hadoop.fs.s3a.S3ABlockOutputStream",
          "org.apache.hadoop.fs.s3a.S3AInstrumentation"
        }) {
      ctx.getLogger(name).setLevel(debug ? Level.WARN : Level.ERROR);
    }
    ctx.getLogger("io.delta.kernel.internal.snapshot.SnapshotManager")
        .setLevel(debug ? Level.INFO : Level.ERROR);
  }
}
