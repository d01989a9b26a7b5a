package io.edgeuploader.cli;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class LoggingTest {
  @SuppressWarnings("unchecked")
  private static Encoder<ILoggingEvent> stderrEncoder() {
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    return ((ConsoleAppender<ILoggingEvent>)
            ctx.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("STDERR"))
        .getEncoder();
  }

  @Test
  void jsonAndBackRestoresLogbackXmlsOwnTextEncoder() {
    Encoder<ILoggingEvent> text = stderrEncoder();
    Logging.json(true);
    try {
      assertTrue(
          ((LayoutWrappingEncoder<ILoggingEvent>) stderrEncoder()).getLayout()
              instanceof JsonLogLayout);
    } finally {
      Logging.json(false);
    }
    assertSame(text, stderrEncoder());
  }
}
