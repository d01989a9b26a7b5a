package io.edgeuploader.cursor;

import io.edgeuploader.source.RowChunk;
import io.edgeuploader.source.SourceRow;

/**
 * A 64-bit FNV-1a hash of a row's rowid and values (with their storage classes), to recognise a row
 * seen before. Not cryptographic: it tells "this rowid still holds the row we uploaded" apart from
 * "the rowid was reused", where a collision needs the same rowid and a 2^-64 coincidence.
 */
public final class RowFingerprint {
  private static final long OFFSET = 0xcbf29ce484222325L;
  private static final long PRIME = 0x100000001b3L;

  private RowFingerprint() {}

  public static long of(SourceRow row) {
    long h = mixLong(OFFSET, row.rowid());
    for (Object v : row.values()) h = mix(h, v);
    return h;
  }

  /**
   * The same fingerprint as {@link #of(SourceRow)} of {@code chunk.row(row)}, without making the
   * row's objects: every uploaded row is fingerprinted, and ASCII text (nearly all sensor text)
   * hashes as the chars it decodes to straight from its bytes.
   */
  public static long of(RowChunk chunk, int row) {
    long h = mixLong(OFFSET, chunk.rowid(row));
    for (int c = 0; c < chunk.columns(); c++) {
      switch (chunk.storageClass(c, row)) {
        case RowChunk.NULL -> h = mixByte(h, 0);
        case RowChunk.INTEGER -> h = mixLong(mixByte(h, 1), chunk.longAt(c, row));
        case RowChunk.REAL ->
            h = mixLong(mixByte(h, 2), Double.doubleToLongBits(chunk.doubleAt(c, row)));
        case RowChunk.TEXT -> {
          byte[] bytes = chunk.bytesAt(c, row);
          if (isAscii(bytes)) {
            h = mixByte(h, 3);
            for (byte b : bytes) h = mixByte(mixByte(h, b), 0);
            h = mixLong(h, bytes.length);
          } else {
            h = mix(h, chunk.value(c, row));
          }
        }
        default -> h = mix(h, chunk.value(c, row));
      }
    }
    return h;
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) if (b < 0) return false;
    return true;
  }

  private static long mix(long h, Object v) {
    if (v == null) {
      h = mixByte(h, 0);
    } else if (v instanceof Long l) {
      h = mixLong(mixByte(h, 1), l);
    } else if (v instanceof Double d) {
      h = mixLong(mixByte(h, 2), Double.doubleToLongBits(d));
    } else if (v instanceof String s) {
      h = mixByte(h, 3);
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        h = mixByte(mixByte(h, c & 0xff), c >>> 8);
      }
      h = mixLong(h, s.length());
    } else if (v instanceof io.edgeuploader.source.InvalidText t) {
      h = mixByte(h, 5);
      for (byte x : t.bytes()) h = mixByte(h, x & 0xff);
      h = mixLong(h, t.bytes().length);
    } else if (v instanceof byte[] b) {
      h = mixByte(h, 4);
      for (byte x : b) h = mixByte(h, x & 0xff);
      h = mixLong(h, b.length);
    }
    return h;
  }

  /** A signature of a table's column names and declared types, in order. */
  public static long ofColumns(java.util.List<io.edgeuploader.source.SourceColumn> columns) {
    long h = OFFSET;
    for (var c : columns) {
      for (String part : new String[] {c.name(), c.declaredType()}) {
        for (int i = 0; i < part.length(); i++) h = mixByte(h, part.charAt(i));
        h = mixByte(h, 0);
      }
    }
    return h;
  }

  private static long mixByte(long h, int b) {
    return (h ^ b) * PRIME;
  }

  private static long mixLong(long h, long v) {
    for (int i = 0; i < 8; i++) h = mixByte(h, (int) (v >>> (8 * i)) & 0xff);
    return h;
  }
}
