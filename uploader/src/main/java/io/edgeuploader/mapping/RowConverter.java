package io.edgeuploader.mapping;

import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.edgeuploader.config.AuditColumn;
import io.edgeuploader.config.PartitionColumn;
import io.edgeuploader.source.EpochUnit;
import io.edgeuploader.source.RowChunk;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.TimestampParser;
import io.edgeuploader.source.Utf8;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Converts SQLite rows into batches in the Delta table's schema. A value that does not fit its
 * column (text in a REAL column, an unparseable time) is written as NULL and kept, as SQLite held
 * it, in the row's _rescued_data JSON; so are the values of SQLite columns the table lacks. No
 * value is ever dropped.
 */
public final class RowConverter {
  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final int NODE = -1;
  private static final int RESCUED = -2;
  private static final int ABSENT = -3;
  private static final int INGESTED = -4;
  private static final int ROWID = -5;
  private static final int EVENT_DATE = -6;

  private final StructType schema;
  private final SourceTable table;

  /**
   * For each Delta field, the SQLite column it comes from, or the audit value it holds (NODE,
   * INGESTED, ROWID), or RESCUED, or ABSENT.
   */
  private final int[] sourceIndex;

  private final EpochUnit[] units;

  /** SQLite columns the Delta table does not have: always rescued. */
  private final List<Integer> unmapped = new ArrayList<>();

  private final int timestampIndex;

  /**
   * The Delta field holding the timestamp column converted with its epoch unit, or -1: the
   * watermark takes the converted value from there instead of parsing it again.
   */
  private final int timestampField;

  private final byte[] nodeIdUtf8;

  private long rescuedValues;
  private long maxTimestampMicros = Long.MIN_VALUE;
  private long lastTimestampMicros = Long.MIN_VALUE;

  private final long ingestedAtMicros;

  /**
   * @param ingestedAtMicros the commit's time, for _ingested_at
   */
  public RowConverter(StructType schema, SourceTable table, String nodeId, long ingestedAtMicros) {
    this(schema, table, nodeId, ingestedAtMicros, Set.of());
  }

  /**
   * @param ingestedAtMicros the commit's time, for _ingested_at
   * @param rescuedColumns SQLite columns whose values always go to _rescued_data (their Delta
   *     column has another type)
   */
  public RowConverter(
      StructType schema,
      SourceTable table,
      String nodeId,
      long ingestedAtMicros,
      Set<String> rescuedColumns) {
    this.ingestedAtMicros = ingestedAtMicros;
    this.schema = schema;
    this.table = table;
    this.sourceIndex = new int[schema.length()];
    this.units = new EpochUnit[schema.length()];
    boolean[] mapped = new boolean[table.columns().size()];
    for (int f = 0; f < schema.length(); f++) {
      String name = schema.at(f).getName();
      int s = TableSchema.sourceIndex(table, name);
      if (s >= 0 && rescuedColumns.contains(table.columns().get(s).name())) s = -1;
      if (name.equals(AuditColumn.NODE_ID.deltaName)) sourceIndex[f] = NODE;
      else if (name.equals(AuditColumn.INGESTED_AT.deltaName)) sourceIndex[f] = INGESTED;
      else if (name.equals(AuditColumn.SOURCE_ROWID.deltaName)) sourceIndex[f] = ROWID;
      else if (name.equals(PartitionColumn.DATE.deltaName)) sourceIndex[f] = EVENT_DATE;
      else if (name.equals(TableSchema.RESCUED_DATA)) sourceIndex[f] = RESCUED;
      else sourceIndex[f] = s >= 0 ? s : ABSENT;
      if (s >= 0) mapped[s] = true;
      if (s >= 0 && table.columns().get(s).name().equals(table.timestamp().name())) {
        units[f] = table.timestamp().unit();
      }
    }
    for (int s = 0; s < mapped.length; s++) {
      if (!mapped[s]) unmapped.add(s);
    }
    this.timestampIndex = table.indexOf(table.timestamp().name());
    int field = -1;
    for (int f = 0; f < sourceIndex.length; f++) {
      if (units[f] != null && schema.at(f).getDataType() instanceof TimestampType) field = f;
    }
    this.timestampField = field;
    this.nodeIdUtf8 = nodeId.getBytes(StandardCharsets.UTF_8);
  }

  public RowBatch convert(RowChunk chunk) {
    int n = chunk.size();
    ColumnBuffer[] columns = new ColumnBuffer[schema.length()];
    for (int f = 0; f < columns.length; f++) {
      columns[f] = new ColumnBuffer(schema.at(f).getDataType(), n);
    }
    RescuedValues rescued = new RescuedValues();
    int rescuedField = -1;
    int dateField = -1;
    for (int row = 0; row < n; row++) {
      long rowTimestamp = TimestampParser.INVALID;
      for (int f = 0; f < columns.length; f++) {
        int s = sourceIndex[f];
        if (s == RESCUED) {
          rescuedField = f;
        } else if (s == EVENT_DATE) {
          dateField = f;
        } else if (s == NODE) {
          columns[f].appendBytes(nodeIdUtf8);
        } else if (s == INGESTED) {
          columns[f].appendLong(ingestedAtMicros);
        } else if (s == ROWID) {
          columns[f].appendLong(chunk.rowid(row));
        } else if (s == ABSENT || chunk.storageClass(s, row) == RowChunk.NULL) {
          columns[f].appendNull();
        } else if (append(columns[f], schema.at(f).getDataType(), units[f], chunk, s, row)) {
          if (f == timestampField) rowTimestamp = columns[f].lastLong();
        } else {
          columns[f].appendNull();
          rescued.add(table.columns().get(s).name(), chunk.value(s, row));
          rescuedValues++;
        }
      }
      for (int s : unmapped) {
        if (chunk.storageClass(s, row) != RowChunk.NULL) {
          rescued.add(table.columns().get(s).name(), chunk.value(s, row));
          rescuedValues++;
        }
      }
      if (rescuedField >= 0) {
        if (rescued.isEmpty()) columns[rescuedField].appendNull();
        else columns[rescuedField].appendString(rescued.take());
      }
      if (timestampField < 0 && timestampIndex >= 0) {
        Object ts = chunk.value(timestampIndex, row);
        if (ts != null) rowTimestamp = TimestampParser.toMicros(ts, table.timestamp().unit());
      }
      lastTimestampMicros = rowTimestamp == TimestampParser.INVALID ? Long.MIN_VALUE : rowTimestamp;
      if (rowTimestamp != TimestampParser.INVALID) {
        maxTimestampMicros = Math.max(maxTimestampMicros, rowTimestamp);
      }
      if (dateField >= 0) {
        // Filled after the row's timestamp is known; a row without one goes to the NULL date.
        if (rowTimestamp == TimestampParser.INVALID) columns[dateField].appendNull();
        else columns[dateField].appendInt((int) Math.floorDiv(rowTimestamp, MICROS_PER_DAY));
      }
    }
    return new RowBatch(schema, columns, n);
  }

  /** Values rescued into _rescued_data since this converter was made. */
  public long rescuedValues() {
    return rescuedValues;
  }

  /** The newest valid timestamp converted so far, or Long.MIN_VALUE. */
  public long maxTimestampMicros() {
    return maxTimestampMicros;
  }

  /** The valid timestamp of the last row converted, or Long.MIN_VALUE if it had none. */
  public long lastTimestampMicros() {
    return lastTimestampMicros;
  }

  /** Appends the value converted to the field's type; false if it does not fit. */
  private static boolean append(
      ColumnBuffer column, DataType type, EpochUnit unit, RowChunk chunk, int s, int row) {
    byte storageClass = chunk.storageClass(s, row);
    if (type instanceof LongType) {
      if (storageClass == RowChunk.INTEGER) {
        column.appendLong(chunk.longAt(s, row));
        return true;
      }
      double d = storageClass == RowChunk.REAL ? chunk.doubleAt(s, row) : Double.NaN;
      if (d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
        column.appendLong((long) d);
        return true;
      }
      return false;
    }
    if (type instanceof DoubleType) {
      if (storageClass == RowChunk.REAL) {
        column.appendDouble(chunk.doubleAt(s, row));
        return true;
      }
      if (storageClass != RowChunk.INTEGER) return false;
      long l = chunk.longAt(s, row);
      if ((long) (double) l != l) return false;
      column.appendDouble(l);
      return true;
    }
    if (type instanceof StringType) {
      if (storageClass == RowChunk.TEXT) {
        byte[] utf8 = chunk.bytesAt(s, row);
        if (!Utf8.isValid(utf8)) return false;
        column.appendBytes(utf8);
        return true;
      }
      if (storageClass == RowChunk.BLOB) return false;
      column.appendString(String.valueOf(chunk.value(s, row)));
      return true;
    }
    if (type instanceof BinaryType) {
      if (storageClass != RowChunk.BLOB) return false;
      column.appendBytes(chunk.bytesAt(s, row));
      return true;
    }
    Object v = chunk.value(s, row);
    if (type instanceof TimestampType) {
      long micros =
          unit != null
              ? TimestampParser.toMicros(v, unit)
              : TimestampParser.toMicros(
                  v, v instanceof Long l ? EpochUnit.forMagnitude(Math.abs(l)) : EpochUnit.SECONDS);
      if (micros == TimestampParser.INVALID) return false;
      column.appendLong(micros);
      return true;
    }
    if (type instanceof BooleanType) {
      Boolean b = toBoolean(v);
      if (b == null) return false;
      column.appendBoolean(b);
      return true;
    }
    if (type instanceof DateType) {
      if (!(v instanceof String str)) return false;
      long days = TimestampParser.parseIsoDate(str);
      if (days == TimestampParser.INVALID) return false;
      column.appendInt((int) days);
      return true;
    }
    if (type instanceof DecimalType d) {
      BigDecimal value = toDecimal(v, d);
      if (value == null) return false;
      column.appendDecimal(value);
      return true;
    }
    return false;
  }

  private static Boolean toBoolean(Object v) {
    if (v instanceof Long l && (l == 0 || l == 1)) return l == 1;
    if (v instanceof String s) {
      String t = s.trim().toLowerCase(Locale.ROOT);
      if (t.equals("true")) return true;
      if (t.equals("false")) return false;
    }
    return null;
  }

  /** The exact value at the column's scale, or null if it would need rounding or overflow. */
  private static BigDecimal toDecimal(Object v, DecimalType type) {
    try {
      BigDecimal d;
      if (v instanceof Long l) d = BigDecimal.valueOf(l);
      else if (v instanceof Double x && Double.isFinite(x)) d = BigDecimal.valueOf(x);
      else if (v instanceof String s) d = new BigDecimal(s.trim());
      else return null;
      d = d.setScale(type.getScale());
      return d.precision() <= type.getPrecision() ? d : null;
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
  }
}
