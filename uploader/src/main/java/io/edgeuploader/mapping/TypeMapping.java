package io.edgeuploader.mapping;

import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.TimestampType;
import io.edgeuploader.source.Affinity;
import io.edgeuploader.source.SourceColumn;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Delta type of a SQLite column, from its declared type. Follows SQLite's own affinity rules
 * (INT, then CHAR/CLOB/TEXT, then BLOB, then REAL/FLOA/DOUB) and adds the types SQLite has no
 * storage class for: BOOLEAN, DATETIME/TIMESTAMP, DATE and DECIMAL(p,s).
 */
public final class TypeMapping {
  private static final Pattern DECIMAL =
      Pattern.compile("(?:DECIMAL|NUMERIC)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  private TypeMapping() {}

  public static DataType deltaType(SourceColumn column, boolean isTimestampColumn) {
    if (isTimestampColumn) return TimestampType.TIMESTAMP;
    String t = column.declaredType().toUpperCase(Locale.ROOT).trim();
    switch (Affinity.of(t)) {
      case INTEGER:
        return LongType.LONG;
      case TEXT:
        return StringType.STRING;
      case BLOB:
        // An undeclared column takes any value; text is the type every value can be written as.
        return t.isEmpty() ? StringType.STRING : BinaryType.BINARY;
      case REAL:
        return DoubleType.DOUBLE;
      case NUMERIC:
        break;
    }
    if (t.contains("BOOL")) return BooleanType.BOOLEAN;
    if (t.contains("DATETIME") || t.contains("TIMESTAMP")) return TimestampType.TIMESTAMP;
    if (t.contains("DATE")) return DateType.DATE;
    Matcher m = DECIMAL.matcher(t);
    if (m.find()) {
      int precision = Integer.parseInt(m.group(1));
      int scale = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      if (precision >= 1 && precision <= 38 && scale <= precision) {
        return new DecimalType(precision, scale);
      }
    }
    return DoubleType.DOUBLE;
  }
}
