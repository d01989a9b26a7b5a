package io.edgeuploader.mapping;

import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import io.edgeuploader.config.AuditColumn;
import io.edgeuploader.config.PartitionColumn;
import io.edgeuploader.source.SourceColumn;
import io.edgeuploader.source.SourceTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The Delta schema the uploader writes for a SQLite table, and the check of an existing one. */
public final class TableSchema {
  public static final String RESCUED_DATA = "_rescued_data";

  /** Characters Delta refuses in column names unless column mapping is on (Kernel cannot). */
  private static final Pattern UNSUPPORTED = Pattern.compile("[ ,;{}()\n\t=]");

  private TableSchema() {}

  /** The Delta name of a SQLite column: the same, with each of " ,;{}()\n\t=" made '_'. */
  public static String deltaName(String sqliteName) {
    return UNSUPPORTED.matcher(sqliteName).replaceAll("_");
  }

  /**
   * The SQLite column a Delta column comes from, or -1; without case if need be (Delta compares
   * names without case, so a node declaring "Pressure" fills another's "pressure").
   */
  public static int sourceIndex(SourceTable table, String deltaName) {
    for (int i = 0; i < table.columns().size(); i++) {
      if (deltaName(table.columns().get(i).name()).equals(deltaName)) return i;
    }
    for (int i = 0; i < table.columns().size(); i++) {
      if (deltaName(table.columns().get(i).name()).equalsIgnoreCase(deltaName)) return i;
    }
    return -1;
  }

  /** The Delta type of an audit column. */
  public static DataType type(AuditColumn audit) {
    return switch (audit) {
      case NODE_ID -> StringType.STRING;
      case INGESTED_AT -> TimestampType.TIMESTAMP;
      case SOURCE_ROWID -> LongType.LONG;
    };
  }

  /** Whether a column name is one the uploader adds (audit, partition, _rescued_data). */
  static boolean isReserved(String deltaName) {
    if (deltaName.equalsIgnoreCase(RESCUED_DATA)) return true;
    if (deltaName.equalsIgnoreCase(PartitionColumn.DATE.deltaName)) return true;
    for (AuditColumn audit : AuditColumn.values()) {
      if (deltaName.equalsIgnoreCase(audit.deltaName)) return true;
    }
    return false;
  }

  /**
   * Refuses SQLite columns the uploader cannot carry faithfully: one named like a column the
   * uploader adds (its values would be shadowed), or two whose Delta names collide (readers such as
   * Spark compare names case-insensitively).
   */
  public static void checkSource(SourceTable table) {
    Map<String, String> seen = new HashMap<>();
    for (SourceColumn c : table.columns()) {
      String name = deltaName(c.name());
      if (isReserved(name)) {
        throw new UserError(
            ExitCode.SOURCE,
            "table '"
                + table.name()
                + "' has a column named "
                + c.name()
                + ", which the uploader"
                + " adds itself; rename the column or upload a view without it");
      }
      String clash = seen.put(name.toLowerCase(Locale.ROOT), c.name());
      if (clash != null) {
        throw new UserError(
            ExitCode.SOURCE,
            "table '"
                + table.name()
                + "': columns '"
                + clash
                + "' and '"
                + c.name()
                + "' would both be Delta column '"
                + name
                + "' (Delta names are compared without"
                + " case, and ' ,;{}()=' become '_'); rename one of them");
      }
    }
  }

  /**
   * One column per SQLite column, same order, same names (characters Delta refuses become '_'),
   * then the chosen audit columns in a fixed order, _event_date if partitioned by date, then
   * _rescued_data.
   */
  public static StructType forSource(
      SourceTable table, Set<AuditColumn> audit, List<PartitionColumn> partitionBy) {
    List<StructField> fields = new ArrayList<>();
    for (SourceColumn c : table.columns()) {
      fields.add(new StructField(deltaName(c.name()), deltaType(table, c), true));
    }
    for (AuditColumn a : AuditColumn.values()) {
      if (audit.contains(a)) fields.add(new StructField(a.deltaName, type(a), true));
    }
    if (partitionBy.contains(PartitionColumn.DATE)) {
      fields.add(new StructField(PartitionColumn.DATE.deltaName, DateType.DATE, true));
    }
    fields.add(new StructField(RESCUED_DATA, StringType.STRING, true));
    return new StructType(fields);
  }

  static DataType deltaType(SourceTable table, SourceColumn column) {
    return TypeMapping.deltaType(column, column.name().equals(table.timestamp().name()));
  }

  /**
   * The SQLite columns the Delta table lacks (by Delta name, without case), as nullable Delta
   * columns of their mapped types: what schema evolution adds. A column dropped in SQLite stays in
   * Delta (NULL from then on); a renamed one is a column of this kind under its new name, since no
   * schema can tell a rename from a drop and an add, and renaming the Delta column would break
   * nodes still on the old name.
   */
  public static List<StructField> newColumns(SourceTable table, StructType existing) {
    List<StructField> added = new ArrayList<>();
    for (SourceColumn c : table.columns()) {
      String name = deltaName(c.name());
      boolean present =
          existing.fields().stream().anyMatch(f -> f.getName().equalsIgnoreCase(name));
      if (!present) added.add(new StructField(name, deltaType(table, c), true));
    }
    return added;
  }

  /**
   * The SQLite columns whose Delta column has another type (a node whose application declares them
   * otherwise): their values are rescued instead.
   */
  public static Set<String> typeConflicts(SourceTable table, StructType existing) {
    Set<String> conflicts = new java.util.LinkedHashSet<>();
    for (StructField field : existing.fields()) {
      int s = sourceIndex(table, field.getName());
      if (s >= 0 && !deltaType(table, table.columns().get(s)).equivalent(field.getDataType())) {
        conflicts.add(table.columns().get(s).name());
      }
    }
    return conflicts;
  }

  /**
   * Refuses an existing table the uploader cannot append to without losing data. SQLite columns the
   * table lacks are fine (added, or carried in _rescued_data); table columns SQLite lacks stay
   * NULL; a column of another type is refused, or (with {@code rescueTypeConflicts}) its values
   * rescued. Audit columns are chosen when a table is created: the table must have those asked for
   * now (Kernel cannot add columns to a table), and those it has are filled whatever the config
   * says.
   */
  public static void checkCompatible(
      String tablePath,
      StructType existing,
      List<String> existingPartitions,
      SourceTable table,
      Set<AuditColumn> audit,
      List<PartitionColumn> partitionBy,
      boolean rescueTypeConflicts) {
    List<String> problems = new ArrayList<>();
    List<String> wanted = partitionBy.stream().map(p -> p.deltaName).toList();
    if (!wanted.isEmpty() && !wanted.equals(existingPartitions)) {
      problems.add(
          "it is partitioned by "
              + existingPartitions
              + ", partition_by asks for "
              + wanted
              + " (partitioning is chosen when a table is created)");
    }
    int rescued = existing.indexOf(RESCUED_DATA);
    if (rescued < 0 || !(existing.at(rescued).getDataType() instanceof StringType)) {
      problems.add("it has no string column " + RESCUED_DATA);
    }
    for (AuditColumn a : AuditColumn.values()) {
      int i = existing.indexOf(a.deltaName);
      if (i >= 0 && !existing.at(i).getDataType().equivalent(type(a))) {
        problems.add("column " + a.deltaName + " is not " + type(a));
      } else if (i < 0 && audit.contains(a)) {
        problems.add(
            "it has no column "
                + a.deltaName
                + " (audit_columns asks for "
                + a.configName
                + "; audit columns are chosen when a table is created)");
      }
    }
    for (StructField field : existing.fields()) {
      int s = sourceIndex(table, field.getName());
      if (s >= 0) {
        DataType expected = deltaType(table, table.columns().get(s));
        if (!rescueTypeConflicts && !expected.equivalent(field.getDataType())) {
          problems.add(
              "column '"
                  + field.getName()
                  + "' is "
                  + field.getDataType()
                  + " in the table but "
                  + expected
                  + " from SQLite (declared '"
                  + table.columns().get(s).declaredType()
                  + "')");
        }
      } else if (!field.isNullable()) {
        problems.add("column '" + field.getName() + "' is NOT NULL but SQLite has no such column");
      }
    }
    if (!problems.isEmpty()) {
      throw new UserError(
          ExitCode.SINK,
          "the Delta table at "
              + tablePath
              + " does not fit SQLite table '"
              + table.name()
              + "': "
              + String.join("; ", problems)
              + ". Point --table-path at a new location or fix the table");
    }
  }
}
