package io.edgeuploader;

import io.delta.kernel.data.ColumnarBatch;
import io.edgeuploader.cursor.RecentRows;
import io.edgeuploader.cursor.RowFingerprint;
import io.edgeuploader.mapping.RowConverter;
import io.edgeuploader.source.RowChunk;
import io.edgeuploader.source.SourceTable;
import io.edgeuploader.source.SqliteSource;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;

/**
 * The rows of one commit, read from SQLite in chunks while Kernel writes them: the next chunk is
 * read and converted on another thread while Kernel encodes the current one, so the two halves of
 * the work overlap on two cores. Memory holds two chunks whatever the commit size, and each read is
 * a short statement that does not hold back the application's writes. Remembers the last row read,
 * which becomes the cursor if the commit lands.
 */
final class BatchFeed implements Iterator<ColumnarBatch>, AutoCloseable {
  static final int CHUNK_ROWS = 65_536;

  private record Chunk(RowChunk rows, ColumnarBatch batch, int requested) {}

  private final SqliteSource source;
  private final SourceTable table;
  private final RowConverter converter;
  private final ExecutorService reader;
  private final long end;
  private long afterRowid;
  private int remaining;

  /** The chunk being read, or null when the commit has all its rows. */
  private Future<Chunk> next;

  private final LongConsumer onRows;
  private long rows;
  private long lastRowid;

  /** The last two chunks: their rows are the ones remembered in {@link RecentRows}. */
  private RowChunk previousRows;

  private RowChunk currentRows;

  BatchFeed(
      SqliteSource source,
      SourceTable table,
      RowConverter converter,
      ExecutorService reader,
      long afterRowid,
      long end,
      int maxRows,
      RowChunk firstChunk,
      LongConsumer onRows) {
    this.onRows = onRows;
    this.source = source;
    this.table = table;
    this.converter = converter;
    this.reader = reader;
    this.afterRowid = afterRowid;
    this.end = end;
    this.remaining = maxRows;
    this.lastRowid = afterRowid;
    int requested = Math.min(CHUNK_ROWS, maxRows);
    this.next =
        CompletableFuture.completedFuture(
            new Chunk(firstChunk, converter.convert(firstChunk), requested));
  }

  private Chunk read(long after, int limit) {
    RowChunk chunk = source.rowsAfter(table, after, end, limit);
    return new Chunk(chunk, converter.convert(chunk), limit);
  }

  private static Chunk await(Future<Chunk> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading SQLite", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public boolean hasNext() {
    return next != null && await(next).rows().size() > 0;
  }

  @Override
  public ColumnarBatch next() {
    if (!hasNext()) throw new NoSuchElementException();
    Chunk chunk = await(next);
    int n = chunk.rows().size();
    remaining -= n;
    rows += n;
    onRows.accept(n);
    lastRowid = chunk.rows().rowid(n - 1);
    afterRowid = lastRowid;
    previousRows = currentRows;
    currentRows = chunk.rows();
    if (n < chunk.requested() || remaining <= 0) {
      next = null;
    } else {
      long after = afterRowid;
      int limit = Math.min(CHUNK_ROWS, remaining);
      next = reader.submit(() -> read(after, limit));
    }
    return chunk.batch();
  }

  long rows() {
    return rows;
  }

  long lastRowid() {
    return lastRowid;
  }

  long lastFingerprint() {
    return currentRows == null ? 0 : RowFingerprint.of(currentRows.row(currentRows.size() - 1));
  }

  /** The fingerprints of the commit's last rows, oldest first, for {@link RecentRows}. */
  RecentRows tail() {
    RecentRows tail = new RecentRows();
    for (RowChunk chunk : new RowChunk[] {previousRows, currentRows}) {
      for (int i = 0; chunk != null && i < chunk.size(); i++) {
        tail.add(chunk.rowid(i), RowFingerprint.of(chunk.row(i)));
      }
    }
    return tail;
  }

  /** Waits for a read still in flight (after a failed commit), so SQLite is free again. */
  @Override
  public void close() {
    if (next != null) {
      try {
        next.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // the commit failed already; this read's failure adds nothing
      }
      next = null;
    }
  }
}
