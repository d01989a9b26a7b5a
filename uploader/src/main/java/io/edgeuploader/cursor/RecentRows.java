package io.edgeuploader.cursor;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * The rowids and fingerprints of the most recently uploaded rows, in rowid order, at most {@link
 * #CAPACITY} of them. Only consulted when the application has deleted the newest uploaded rows, to
 * tell rows that survived from new rows that reuse their rowids.
 */
public final class RecentRows {
  public static final int CAPACITY = 100_000;

  private long[] rowids;
  private long[] fingerprints;
  private int size;

  public RecentRows() {
    this(new long[0], new long[0], 0);
  }

  private RecentRows(long[] rowids, long[] fingerprints, int size) {
    this.rowids = rowids;
    this.fingerprints = fingerprints;
    this.size = size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public int size() {
    return size;
  }

  /** The lowest rowid remembered; rows below it are older than this memory. */
  public long lowestRowid() {
    return size == 0 ? Long.MAX_VALUE : rowids[0];
  }

  /** Whether {@code rowid} was uploaded holding a row with this fingerprint. */
  public boolean holds(long rowid, long fingerprint) {
    int i = Arrays.binarySearch(rowids, 0, size, rowid);
    return i >= 0 && fingerprints[i] == fingerprint;
  }

  /** A row uploaded at {@code rowid} was changed in place: remember what it holds now. */
  void changed(long rowid, long fingerprint) {
    int i = Arrays.binarySearch(rowids, 0, size, rowid);
    if (i >= 0) fingerprints[i] = fingerprint;
  }

  /** Forgets rows above {@code rowid}: they were deleted, and new rows may take their rowids. */
  public void forgetAbove(long rowid) {
    int i = Arrays.binarySearch(rowids, 0, size, rowid);
    size = i >= 0 ? i + 1 : -i - 1;
  }

  /** Remembers a newly uploaded row; rowids must rise. Drops the oldest past the capacity. */
  public void add(long rowid, long fingerprint) {
    if (size > 0 && rowid <= rowids[size - 1]) forgetAbove(rowid - 1);
    if (size == rowids.length) {
      if (size >= CAPACITY) {
        int keep = CAPACITY / 2;
        System.arraycopy(rowids, size - keep, rowids, 0, keep);
        System.arraycopy(fingerprints, size - keep, fingerprints, 0, keep);
        size = keep;
      } else {
        int grown = Math.min(CAPACITY, Math.max(1024, size * 2));
        rowids = Arrays.copyOf(rowids, grown);
        fingerprints = Arrays.copyOf(fingerprints, grown);
      }
    }
    rowids[size] = rowid;
    fingerprints[size] = fingerprint;
    size++;
  }

  /** Remembers the rows of a commit that landed, in their order. */
  public void addAll(RecentRows committed) {
    for (int i = 0; i < committed.size; i++) add(committed.rowids[i], committed.fingerprints[i]);
  }

  String encode() {
    ByteBuffer b = ByteBuffer.allocate(size * 16);
    for (int i = 0; i < size; i++) b.putLong(rowids[i]).putLong(fingerprints[i]);
    return Base64.getEncoder().encodeToString(b.array());
  }

  static RecentRows decode(String text) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(text));
    int n = b.remaining() / 16;
    long[] r = new long[n];
    long[] f = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = b.getLong();
      f[i] = b.getLong();
    }
    return new RecentRows(r, f, n);
  }
}
