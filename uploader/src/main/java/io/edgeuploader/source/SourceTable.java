package io.edgeuploader.source;

import java.util.List;

/**
 * The table being uploaded, with its columns in declaration order.
 *
 * @param rowidName how to address the rowid ({@code rowid}, or an alias when a column shadows it)
 * @param reason why this table was chosen
 */
public record SourceTable(
    String name,
    List<SourceColumn> columns,
    String rowidName,
    TimestampColumn timestamp,
    String reason) {

  public int indexOf(String column) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(column)) return i;
    }
    return -1;
  }
}
