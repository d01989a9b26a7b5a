package io.edgeuploader.source;

import java.util.List;

/**
 * The table being uploaded, with its columns in declaration order.
 *
 * @param rowidName how to address the rowid ({@code rowid}, or an alias when a column shadows it)
 * @param autoincrement declared AUTOINCREMENT: SQLite never gives a rowid twice, even after the
 *     newest rows were deleted
 * @param timestamp the timestamp column, or none ({@link TimestampColumn#present()})
 * @param reason why this table was chosen
 */
public record SourceTable(
    String name,
    List<SourceColumn> columns,
    String rowidName,
    boolean autoincrement,
    TimestampColumn timestamp,
    String reason) {

  /** The index of the timestamp column among the columns, or -1 without one. */
  public int timestampIndex() {
    return timestamp.present() ? indexOf(timestamp.name()) : -1;
  }

  public int indexOf(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) return i;
    }
    return -1;
  }
}
