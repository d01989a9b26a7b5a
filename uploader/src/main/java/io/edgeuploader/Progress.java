package io.edgeuploader;

import io.edgeuploader.cursor.Cursor;
import io.edgeuploader.sink.TableVersion;
import java.time.Instant;
import java.util.Optional;

/**
 * Where one table's upload stands, read without writing: for status and --dry-run.
 *
 * @param table the Delta table, if it exists
 * @param cursor where the next upload continues
 * @param pendingRows the rows past the cursor
 * @param oldestPending the time of the oldest row not yet uploaded, if it has one
 * @param deltaRows the rows the table holds
 */
public record Progress(
    Optional<TableVersion> table,
    Cursor cursor,
    long pendingRows,
    Optional<Instant> oldestPending,
    long deltaRows) {}
