package io.edgeuploader.source;

/**
 * One row as SQLite stored it: each value is null, Long, Double, String or byte[] (the storage
 * class, whatever the column's declared type).
 */
public record SourceRow(long rowid, Object[] values) {}
