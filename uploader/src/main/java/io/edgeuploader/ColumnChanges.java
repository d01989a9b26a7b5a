package io.edgeuploader;

import io.delta.kernel.types.StructField;
import io.edgeuploader.mapping.TableSchema;
import io.edgeuploader.sink.Sink;
import io.edgeuploader.sink.TableVersion;
import io.edgeuploader.source.SourceTable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of the columns the application adds to its SQLite table (schema_evolution): with
 * add_columns, the table gets them before the rows that use them, where it can (column mapping); a
 * column the table has with another type (another node's application declares it otherwise) keeps
 * its values rescued. Each decision is logged once for the life of the uploader.
 */
public final class ColumnChanges {
  // Logged as the uploader's, where operators and their greps find its other events.
  private static final Logger log = LoggerFactory.getLogger(Uploader.class);

  /**
   * What schema evolution would do to the table now: the SQLite columns it lacks, whether it can
   * add them (a table without column mapping keeps rescuing their values until upgraded), and the
   * columns whose types differ from the table's.
   */
  public record Plan(List<StructField> added, boolean canAdd, Set<String> conflicts) {
    public static final Plan NONE = new Plan(List.of(), false, Set.of());
  }

  private final boolean enabled;
  private final Sink sink;
  private final Set<String> warned = new HashSet<>();

  ColumnChanges(boolean enabled, Sink sink) {
    this.enabled = enabled;
    this.sink = sink;
  }

  /** Whether the table follows the application's new columns (schema_evolution: add_columns). */
  boolean enabled() {
    return enabled;
  }

  Plan plan(SourceTable table, TableVersion t) {
    if (!enabled) return Plan.NONE;
    return new Plan(
        TableSchema.newColumns(table, t.schema()),
        sink.canAddColumns(t),
        TableSchema.typeConflicts(table, t.schema()));
  }

  /** Adds the SQLite columns the table lacks, in a commit before the rows that use them. */
  TableVersion apply(SourceTable table, TableVersion t) {
    Plan plan = plan(table, t);
    if (plan.added().isEmpty()) return t;
    if (plan.canAdd()) return sink.addColumns(t, plan.added());
    String columns = String.join(",", plan.added().stream().map(StructField::getName).toList());
    if (warned.add("columns:" + columns)) {
      log.warn(
          "event=columns_not_added table={} columns={} reason=no_column_mapping"
              + " action=values_rescued hint=upgrade-table",
          table.name(),
          columns);
    }
    return t;
  }

  /** The columns whose values are rescued because the table has them with another type. */
  Set<String> rescued(SourceTable table, TableVersion t) {
    if (!enabled) return Set.of();
    Set<String> conflicts = TableSchema.typeConflicts(table, t.schema());
    for (String c : conflicts) {
      if (warned.add("type:" + c)) {
        int f = t.schema().indexOf(TableSchema.deltaName(c));
        log.warn(
            "event=column_type_conflict table={} column={} table_type={} sqlite_type=\"{}\""
                + " action=values_rescued",
            table.name(),
            c,
            f >= 0 ? t.schema().at(f).getDataType() : "?",
            table.columns().get(table.indexOf(c)).declaredType());
      }
    }
    return conflicts;
  }
}
