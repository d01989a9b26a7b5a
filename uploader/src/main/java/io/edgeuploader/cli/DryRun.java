package io.edgeuploader.cli;

import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.edgeuploader.ColumnChanges;
import io.edgeuploader.Progress;
import io.edgeuploader.Uploader;
import io.edgeuploader.config.DaemonConfig;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.source.SourceColumn;
import io.edgeuploader.source.SourceTable;
import java.io.PrintStream;

/** What --dry-run shows: every decision the uploader made, and nothing written. */
final class DryRun {
  private DryRun() {}

  static void print(Uploader uploader, DaemonConfig node, TableConfig config, PrintStream out) {
    SourceTable table = uploader.table();
    Progress progress = uploader.progress();
    out.println("SQLite database:  " + node.sqlite());
    out.println("Table:            " + table.name() + " (" + table.reason() + ")");
    out.println(
        "Timestamp column: "
            + table.timestamp().shown()
            + " ("
            + table.timestamp().reason()
            + (table.timestamp().present()
                ? "; integers read as epoch " + table.timestamp().unit().name().toLowerCase()
                : "")
            + ")");
    out.println(
        "Delta table:      "
            + uploader.sink().location()
            + progress
                .table()
                .map(t -> " (exists, version " + t.version() + ")")
                .orElse(" (will be created)"));
    out.println("Node id:          " + node.nodeId() + " (" + node.nodeIdSource().text + ")");
    StructType schema =
        progress
            .table()
            .map(t -> t.schema())
            .orElseGet(
                () -> TableSchema.forSource(table, config.auditColumns(), config.partitionBy()));
    out.println("Schema mapping (SQLite declared type -> Delta type):");
    int width = schema.fields().stream().mapToInt(f -> f.getName().length()).max().orElse(4);
    for (StructField f : schema.fields()) {
      int s = TableSchema.sourceIndex(table, f.getName());
      String declared = s >= 0 ? declaredText(table.columns().get(s)) : "(added by uploader)";
      out.printf("  %-" + width + "s  %-20s -> %s%n", f.getName(), declared, f.getDataType());
    }
    ColumnChanges.Plan plan =
        progress.table().map(uploader::schemaPlan).orElse(ColumnChanges.Plan.NONE);
    for (SourceColumn c : table.columns()) {
      String name = TableSchema.deltaName(c.name());
      boolean added = plan.added().stream().anyMatch(f -> f.getName().equals(name));
      if (schema.fields().stream().noneMatch(f -> f.getName().equalsIgnoreCase(name))) {
        String what =
            added && plan.canAdd()
                ? "added as a new column (schema change pending)"
                : added
                    ? "carried in _rescued_data until upgrade-table gives the table column mapping"
                    : "carried in _rescued_data";
        out.printf("  %-" + width + "s  %-20s -> %s%n", c.name(), declaredText(c), what);
      } else if (plan.conflicts().contains(c.name())) {
        out.printf(
            "  %-"
                + width
                + "s  %-20s -> carried in _rescued_data (the table's column has another"
                + " type)%n",
            c.name(),
            declaredText(c));
      }
    }
    out.println(
        "Rows to upload:   "
            + progress.pendingRows()
            + " (after rowid "
            + progress.cursor().rowid()
            + ")");
  }

  private static String declaredText(SourceColumn c) {
    return c.declaredType().isEmpty() ? "(no type)" : c.declaredType();
  }
}
