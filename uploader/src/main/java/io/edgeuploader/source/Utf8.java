package io.edgeuploader.source;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Whether TEXT bytes from SQLite are UTF-8: SQLite stores whatever bytes the application gave. */
public final class Utf8 {
  private Utf8() {}

  public static boolean isValid(byte[] bytes) {
    for (byte b : bytes) {
      // Sensor text is nearly always ASCII; only other text pays for a strict decode.
      if (b < 0) return decodesStrictly(bytes);
    }
    return true;
  }

  private static boolean decodesStrictly(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
