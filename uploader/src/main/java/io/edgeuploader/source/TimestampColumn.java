package io.edgeuploader.source;

/**
 * The column whose values become the Delta TIMESTAMP, how its integers are scaled, and why it was
 * chosen (shown in the log and by --dry-run).
 */
public record TimestampColumn(String name, EpochUnit unit, String reason) {}
