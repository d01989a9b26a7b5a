package io.edgeuploader.mapping;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * One column of a batch in primitive arrays, filled row by row and read by the Parquet writer
 * through the {@link ColumnVector} interface. Strings are kept as their UTF-8 bytes, as SQLite
 * handed them out and as Parquet stores them: {@link #getBinary} gives those bytes for a string
 * column too, so a value is never decoded and encoded again on the way.
 */
final class ColumnBuffer implements ColumnVector {
  private final DataType type;
  private final boolean[] nulls;
  private final long[] longs;
  private final int[] ints;
  private final double[] doubles;
  private final boolean[] booleans;
  private final Object[] objects;
  private int size;

  ColumnBuffer(DataType type, int capacity) {
    this.type = type;
    this.nulls = new boolean[capacity];
    boolean isLong = type instanceof LongType || type instanceof TimestampType;
    this.longs = isLong ? new long[capacity] : null;
    this.ints = type instanceof DateType ? new int[capacity] : null;
    this.doubles = type instanceof DoubleType ? new double[capacity] : null;
    this.booleans = type instanceof BooleanType ? new boolean[capacity] : null;
    this.objects =
        longs == null && ints == null && doubles == null && booleans == null
            ? new Object[capacity]
            : null;
  }

  void appendNull() {
    nulls[size++] = true;
  }

  void appendLong(long v) {
    longs[size++] = v;
  }

  /** The value just appended to a long column. */
  long lastLong() {
    return longs[size - 1];
  }

  void appendInt(int v) {
    ints[size++] = v;
  }

  void appendDouble(double v) {
    doubles[size++] = v;
  }

  void appendBoolean(boolean v) {
    booleans[size++] = v;
  }

  /** A BLOB, or a string as its UTF-8 bytes. */
  void appendBytes(byte[] v) {
    objects[size++] = v;
  }

  void appendString(String v) {
    appendBytes(v.getBytes(StandardCharsets.UTF_8));
  }

  void appendDecimal(BigDecimal v) {
    objects[size++] = v;
  }

  @Override
  public DataType getDataType() {
    return type;
  }

  @Override
  public int getSize() {
    return size;
  }

  @Override
  public void close() {}

  @Override
  public boolean isNullAt(int rowId) {
    return nulls[rowId];
  }

  @Override
  public boolean getBoolean(int rowId) {
    return booleans[rowId];
  }

  @Override
  public int getInt(int rowId) {
    return ints[rowId];
  }

  @Override
  public long getLong(int rowId) {
    return longs[rowId];
  }

  @Override
  public double getDouble(int rowId) {
    return doubles[rowId];
  }

  @Override
  public String getString(int rowId) {
    return new String((byte[]) objects[rowId], StandardCharsets.UTF_8);
  }

  @Override
  public byte[] getBinary(int rowId) {
    return (byte[]) objects[rowId];
  }

  @Override
  public BigDecimal getDecimal(int rowId) {
    return (BigDecimal) objects[rowId];
  }
}
