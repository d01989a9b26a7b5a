package io.edgeuploader.source;

import java.util.Locale;

/**
 * SQLite's type affinity of a declared column type, by its own rules in their order: INT, then
 * CHAR/CLOB/TEXT, then BLOB or no type, then REAL/FLOA/DOUB, else NUMERIC. It says which storage
 * class most values of the column have, and is where the Delta type mapping starts.
 */
public enum Affinity {
  INTEGER,
  TEXT,
  BLOB,
  REAL,
  NUMERIC;

  public static Affinity of(String declaredType) {
    String t = declaredType.toUpperCase(Locale.ROOT);
    if (t.contains("INT")) return INTEGER;
    if (t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT")) return TEXT;
    if (t.contains("BLOB") || t.isBlank()) return BLOB;
    if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) return REAL;
    return NUMERIC;
  }
}
