package io.edgeuploader.mapping;

import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.edgeuploader.source.EpochUnit;
import io.edgeuploader.source.SourceRow;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.TimestampParser;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Converts SQLite rows into batches in the Delta table's schema. A value that does not fit its
 * column (text in a REAL column, an unparseable time) is written as NULL and kept, as SQLite held
 * it, in the row's _rescued_data JSON; so are the values of SQLite columns the table lacks. No
 * value is ever dropped.
 */
public final class RowConverter {
  private static final int NODE = -1;
  private static final int RESCUED = -2;
  private static final int ABSENT = -3;

  private final StructType schema;
  private final SourceTable table;
  private final String nodeId;

  /** For each Delta field, the SQLite column it comes from, or NODE / RESCUED / ABSENT. */
  private final int[] sourceIndex;

  private final EpochUnit[] units;

  /** SQLite columns the Delta table does not have: always rescued. */
  private final List<Integer> unmapped = new ArrayList<>();

  private final int timestampIndex;

  private long rescuedValues;
  private long maxTimestampMicros = Long.MIN_VALUE;

  public RowConverter(StructType schema, SourceTable table, String nodeId) {
    this.schema = schema;
    this.table = table;
    this.nodeId = nodeId;
    this.sourceIndex = new int[schema.length()];
    this.units = new EpochUnit[schema.length()];
    boolean[] mapped = new boolean[table.columns().size()];
    for (int f = 0; f < schema.length(); f++) {
      String name = schema.at(f).getName();
      int s = TableSchema.sourceIndex(table, name);
      if (name.equals(TableSchema.NODE_ID)) sourceIndex[f] = NODE;
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
  }

  public RowBatch convert(List<SourceRow> rows) {
    int n = rows.size();
    ColumnBuffer[] columns = new ColumnBuffer[schema.length()];
    for (int f = 0; f < columns.length; f++) {
      columns[f] = new ColumnBuffer(schema.at(f).getDataType(), n);
    }
    RescuedValues rescued = new RescuedValues();
    int rescuedField = -1;
    for (SourceRow row : rows) {
      for (int f = 0; f < columns.length; f++) {
        int s = sourceIndex[f];
        if (s == RESCUED) {
          rescuedField = f;
        } else if (s == NODE) {
          columns[f].appendObject(nodeId);
        } else if (s == ABSENT || row.values()[s] == null) {
          columns[f].appendNull();
        } else if (!append(columns[f], schema.at(f), units[f], row.values()[s])) {
          columns[f].appendNull();
          rescued.add(table.columns().get(s).name(), row.values()[s]);
          rescuedValues++;
        }
      }
      for (int s : unmapped) {
        if (row.values()[s] != null) {
          rescued.add(table.columns().get(s).name(), row.values()[s]);
          rescuedValues++;
        }
      }
      if (rescuedField >= 0) {
        if (rescued.isEmpty()) columns[rescuedField].appendNull();
        else columns[rescuedField].appendObject(rescued.take());
      }
      if (timestampIndex >= 0 && row.values()[timestampIndex] != null) {
        long micros =
            TimestampParser.toMicros(row.values()[timestampIndex], table.timestamp().unit());
        if (micros != TimestampParser.INVALID) {
          maxTimestampMicros = Math.max(maxTimestampMicros, micros);
        }
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

  /** Appends {@code v} converted to the field's type; false if it does not fit. */
  private static boolean append(ColumnBuffer column, StructField field, EpochUnit unit, Object v) {
    DataType type = field.getDataType();
    if (type instanceof LongType) {
      if (v instanceof Long l) {
        column.appendLong(l);
        return true;
      }
      if (v instanceof Double d && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
        column.appendLong(d.longValue());
        return true;
      }
      return false;
    }
    if (type instanceof DoubleType) {
      if (v instanceof Double d) {
        column.appendDouble(d);
        return true;
      }
      if (v instanceof Long l && (long) (double) l == l) {
        column.appendDouble(l);
        return true;
      }
      return false;
    }
    if (type instanceof StringType) {
      if (v instanceof byte[] || v instanceof io.edgeuploader.source.InvalidText) return false;
      column.appendObject(v instanceof String s ? s : String.valueOf(v));
      return true;
    }
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
    if (type instanceof BinaryType) {
      if (!(v instanceof byte[] b)) return false;
      column.appendObject(b);
      return true;
    }
    if (type instanceof BooleanType) {
      Boolean b = toBoolean(v);
      if (b == null) return false;
      column.appendBoolean(b);
      return true;
    }
    if (type instanceof DateType) {
      if (!(v instanceof String s)) return false;
      long days = TimestampParser.parseIsoDate(s);
      if (days == TimestampParser.INVALID) return false;
      column.appendInt((int) days);
      return true;
    }
    if (type instanceof DecimalType d) {
      BigDecimal value = toDecimal(v, d);
      if (value == null) return false;
      column.appendObject(value);
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
