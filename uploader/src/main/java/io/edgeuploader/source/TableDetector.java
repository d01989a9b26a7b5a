package io.edgeuploader.source;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Chooses the table to upload and its timestamp column, explaining each choice. */
public final class TableDetector {
  private TableDetector() {}

  public static SourceTable describe(
      SqliteSource source, Optional<String> table, Optional<String> timestampColumn) {
    List<String> names = source.tableNames();
    if (names.isEmpty()) {
      throw new UserError(
          ExitCode.SOURCE,
          source.file()
              + " has no tables yet; start the application that writes it first, or"
              + " check --sqlite");
    }
    String name;
    String reason;
    Optional<TimestampColumn> detected = Optional.empty();
    if (table.isPresent()) {
      name = find(names, table.get()).orElseThrow(() -> noSuchTable(source, names, table.get()));
      reason = "named in the configuration";
    } else if (names.size() == 1) {
      name = names.get(0);
      reason = "the only table in the database";
    } else {
      List<String> withTime = new ArrayList<>();
      for (String n : names) {
        Optional<TimestampColumn> ts = TimestampDetector.detect(source, n, source.columns(n));
        if (ts.isPresent()) {
          withTime.add(n);
          detected = ts;
        }
      }
      if (withTime.size() != 1) {
        throw new UserError(
            ExitCode.SOURCE,
            source.file()
                + " has "
                + names.size()
                + " tables "
                + names
                + (withTime.isEmpty()
                    ? " and none has a timestamp column"
                    : ", and " + withTime + " have timestamps")
                + "; choose one with --table / SQLITE_TABLE");
      }
      name = withTime.get(0);
      reason = "the only table with a timestamp column among " + names;
    }
    List<SourceColumn> columns = source.columns(name);
    String rowid = source.rowidName(name, columns);
    TimestampColumn ts;
    if (timestampColumn.isPresent()) {
      ts = TimestampDetector.named(source, name, columns, timestampColumn.get());
    } else {
      // The cursor follows rowids, so a table without times uploads as well; only its watermark
      // and the lag by age stay empty.
      ts =
          detected
              .or(() -> TimestampDetector.detect(source, name, columns))
              .orElseGet(
                  () ->
                      TimestampColumn.none(
                          "no column of "
                              + columns.stream().map(SourceColumn::name).toList()
                              + " holds times; the watermark stays empty"));
    }
    return new SourceTable(name, columns, rowid, source.autoincrement(name), ts, reason);
  }

  private static Optional<String> find(List<String> names, String wanted) {
    return names.stream()
        .filter(wanted::equals)
        .findFirst()
        .or(() -> names.stream().filter(wanted::equalsIgnoreCase).findFirst());
  }

  private static UserError noSuchTable(SqliteSource source, List<String> names, String wanted) {
    return new UserError(
        ExitCode.SOURCE,
        source.file()
            + " has no table '"
            + wanted
            + "' (tables: "
            + names
            + "); fix --table / SQLITE_TABLE");
  }
}
