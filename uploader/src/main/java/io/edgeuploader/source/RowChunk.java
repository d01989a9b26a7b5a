package io.edgeuploader.source;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rows read from SQLite by one statement, held column by column in primitive arrays: each value is
 * its storage class plus a number (INTEGER, or REAL as its bits) or bytes (TEXT as SQLite stored
 * it, BLOB). A backfill reads millions of rows; per-value objects were most of the uploader's
 * garbage-collection time, so objects are made only on request ({@link #value}, {@link #row}).
 */
public final class RowChunk {
  public static final byte NULL = 0;
  public static final byte INTEGER = 1;
  public static final byte REAL = 2;
  public static final byte TEXT = 3;
  public static final byte BLOB = 4;

  /**
   * A read stops after the row that takes a chunk past this many bytes of values, however few rows
   * it holds: rows of megabytes of TEXT or BLOB must not be read sixteen thousand at a time.
   */
  static final long MAX_BYTES = 4L << 20;

  /** Storage classes of this many columns share one mask integer in the query (3 bits each). */
  static final int COLUMNS_PER_MASK = 21;

  private final int columns;
  private long[] rowids;
  private byte[][] classes;
  private long[][] numbers;
  private byte[][][] bytes;
  private int size;
  private long valueBytes;

  RowChunk(int columns, int capacity) {
    this.columns = columns;
    this.rowids = new long[capacity];
    this.classes = new byte[columns][capacity];
    this.numbers = new long[columns][];
    this.bytes = new byte[columns][][];
  }

  public int size() {
    return size;
  }

  public int columns() {
    return columns;
  }

  /** Whether the read stopped at the byte limit: more rows may follow the last one. */
  public boolean full() {
    return valueBytes >= MAX_BYTES;
  }

  public long rowid(int row) {
    return rowids[row];
  }

  public byte storageClass(int column, int row) {
    return classes[column][row];
  }

  public long longAt(int column, int row) {
    return numbers[column][row];
  }

  public double doubleAt(int column, int row) {
    return Double.longBitsToDouble(numbers[column][row]);
  }

  /** The bytes of a TEXT or BLOB value. */
  public byte[] bytesAt(int column, int row) {
    return bytes[column][row];
  }

  /**
   * The value as an object: null, Long, Double, String, byte[], or {@link InvalidText} for TEXT
   * that is not UTF-8 (decoding it with replacement characters would lose the original).
   */
  public Object value(int column, int row) {
    return switch (classes[column][row]) {
      case INTEGER -> longAt(column, row);
      case REAL -> doubleAt(column, row);
      case TEXT -> {
        byte[] b = bytesAt(column, row);
        yield Utf8.isValid(b) ? new String(b, StandardCharsets.UTF_8) : new InvalidText(b);
      }
      case BLOB -> bytesAt(column, row);
      default -> null;
    };
  }

  public SourceRow row(int row) {
    Object[] values = new Object[columns];
    for (int c = 0; c < columns; c++) values[c] = value(c, row);
    return new SourceRow(rowids[row], values);
  }

  public List<SourceRow> rows() {
    List<SourceRow> rows = new ArrayList<>(size);
    for (int r = 0; r < size; r++) rows.add(row(r));
    return rows;
  }

  /**
   * Appends the result set's current row: the rowid, the columns, then the storage-class masks (see
   * {@code SqliteSource.select}). From the masks a row costs one native call per mask and one per
   * non-NULL value. Returns whether the chunk takes more rows.
   */
  boolean add(ResultSet rs) throws SQLException {
    if (size == rowids.length) grow();
    int row = size++;
    rowids[row] = rs.getLong(1);
    int maskColumn = columns + 2;
    long mask = 0;
    for (int c = 0; c < columns; c++) {
      if (c % COLUMNS_PER_MASK == 0) mask = rs.getLong(maskColumn++);
      byte storageClass = (byte) ((mask >>> (3 * (c % COLUMNS_PER_MASK))) & 7);
      classes[c][row] = storageClass;
      switch (storageClass) {
        case INTEGER -> numbers(c)[row] = rs.getLong(c + 2);
        case REAL -> numbers(c)[row] = Double.doubleToRawLongBits(rs.getDouble(c + 2));
        case TEXT, BLOB -> {
          byte[] value = rs.getBytes(c + 2);
          bytes(c)[row] = value;
          valueBytes += value.length;
        }
        default -> {}
      }
    }
    return !full();
  }

  private long[] numbers(int column) {
    if (numbers[column] == null) numbers[column] = new long[rowids.length];
    return numbers[column];
  }

  private byte[][] bytes(int column) {
    if (bytes[column] == null) bytes[column] = new byte[rowids.length][];
    return bytes[column];
  }

  private void grow() {
    int capacity = Math.max(16, rowids.length * 2);
    rowids = Arrays.copyOf(rowids, capacity);
    for (int c = 0; c < columns; c++) {
      classes[c] = Arrays.copyOf(classes[c], capacity);
      if (numbers[c] != null) numbers[c] = Arrays.copyOf(numbers[c], capacity);
      if (bytes[c] != null) bytes[c] = Arrays.copyOf(bytes[c], capacity);
    }
  }
}
