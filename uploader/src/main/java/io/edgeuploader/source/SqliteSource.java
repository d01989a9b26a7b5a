package io.edgeuploader.source;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The SQLite database being uploaded, opened read-only. Every read is one short statement in
 * autocommit mode, so a writer is never blocked for longer than one batch query, and the busy
 * timeout makes us wait for the writer rather than fail.
 */
public final class SqliteSource implements AutoCloseable {
  private static final Pattern WITHOUT_ROWID =
      Pattern.compile("\\)\\s*WITHOUT\\s+ROWID", Pattern.CASE_INSENSITIVE);
  private static final Pattern AUTOINCREMENT =
      Pattern.compile("\\bAUTOINCREMENT\\b", Pattern.CASE_INSENSITIVE);

  private final Path file;
  private final Connection connection;
  private final Map<String, PreparedStatement> statements = new HashMap<>();

  /** The file's identity (device and inode) when opened: a file moved into place is another. */
  private final Object fileKey;

  private SqliteSource(Path file, Connection connection, Object fileKey) {
    this.file = file;
    this.connection = connection;
    this.fileKey = fileKey;
  }

  public static SqliteSource open(Path file, Duration busyTimeout) {
    return open(file, busyTimeout, "--sqlite / SQLITE_PATH");
  }

  /**
   * Opens {@code file} read-only.
   *
   * @param origin where the path came from, for the message if it is wrong
   */
  public static SqliteSource open(Path file, Duration busyTimeout, String origin) {
    SqliteFile.check(file, origin);
    Object key = SqliteFile.key(file);
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setOpenMode(SQLiteOpenMode.READONLY);
    config.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, busyTimeout.toMillis()));
    try {
      Connection c = config.createConnection("jdbc:sqlite:" + file.toAbsolutePath());
      SqliteSource source = new SqliteSource(file, c, key);
      source.tableNames(); // fails now, with a clear message, if the file is not usable
      return source;
    } catch (SQLException e) {
      throw SqliteFile.failure(file, e);
    }
  }

  /**
   * Whether another file now has this one's name: a restored backup or a replacement moved into
   * place. An open connection keeps reading the old file (or, with WAL, its new -wal beside the old
   * file, which reads as corruption), so the caller reopens.
   */
  public boolean replaced() {
    Object now = SqliteFile.key(file);
    return now != null && fileKey != null && !now.equals(fileKey);
  }

  /** Changes whenever the database's schema changes (a column added, say); cheap to ask. */
  public long schemaVersion() {
    return scalarLong("PRAGMA schema_version");
  }

  /** Whether {@code table} was declared AUTOINCREMENT: its rowids are then never reused. */
  public boolean autoincrement(String table) {
    String sql =
        scalarText("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table);
    return sql != null && AUTOINCREMENT.matcher(sql).find();
  }

  public Path file() {
    return file;
  }

  public List<String> tableNames() {
    List<String> names = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                    + " AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")) {
      while (rs.next()) names.add(rs.getString(1));
    } catch (SQLException e) {
      throw SqliteFile.failure(file, e);
    }
    return names;
  }

  public List<SourceColumn> columns(String table) {
    List<SourceColumn> columns = new ArrayList<>();
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA table_info(" + quote(table) + ")")) {
      while (rs.next()) {
        String type = rs.getString("type");
        columns.add(new SourceColumn(rs.getString("name"), type == null ? "" : type));
      }
    } catch (SQLException e) {
      throw SqliteFile.failure(file, e);
    }
    return columns;
  }

  /** How to address rowids in {@code table}, refusing WITHOUT ROWID tables. */
  public String rowidName(String table, List<SourceColumn> columns) {
    String sql =
        scalarText("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", table);
    if (sql != null && WITHOUT_ROWID.matcher(sql).find()) {
      throw new UserError(
          ExitCode.SOURCE,
          file
              + ": table '"
              + table
              + "' is a WITHOUT ROWID table; the uploader follows rowids to"
              + " find new rows, so it needs an ordinary table (or a view-free copy of this one)");
    }
    for (String candidate : List.of("rowid", "_rowid_", "oid")) {
      if (columns.stream().noneMatch(c -> c.name().equalsIgnoreCase(candidate))) return candidate;
    }
    throw new UserError(
        ExitCode.SOURCE,
        file
            + ": table '"
            + table
            + "' has columns named rowid, _rowid_ and oid, which hide its"
            + " rowid; rename one of them");
  }

  /** Up to {@code limit} non-null values of a column, newest rows first. */
  public List<Object> sample(String table, String column, int limit) {
    List<Object> values = new ArrayList<>();
    String sql =
        "SELECT "
            + quote(column)
            + " FROM "
            + quote(table)
            + " WHERE "
            + quote(column)
            + " IS NOT NULL ORDER BY rowid DESC LIMIT "
            + limit;
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) values.add(normalize(rs.getObject(1)));
    } catch (SQLException e) {
      throw SqliteFile.failure(file, e);
    }
    return values;
  }

  /** Changes whenever another connection commits to the database; cheap to ask. */
  public long dataVersion() {
    return scalarLong("PRAGMA data_version");
  }

  public long maxRowid(SourceTable t) {
    return scalarLong("SELECT coalesce(max(" + t.rowidName() + "), 0) FROM " + quote(t.name()));
  }

  /** Rows not yet uploaded, and the timestamp of the first of them if it has one. */
  public record Pending(long rows, Optional<Instant> oldest) {}

  /** What waits above {@code rowid}: the uploader's lag, for its metrics. */
  public Pending pending(SourceTable t, long rowid) {
    long rows = countBetween(t, rowid, Long.MAX_VALUE);
    if (rows == 0) return new Pending(0, Optional.empty());
    RowChunk next = rowsAfter(t, rowid, Long.MAX_VALUE, 1);
    int ts = t.timestampIndex();
    Object value = next.size() == 0 || ts < 0 ? null : next.value(ts, 0);
    long micros =
        value == null
            ? TimestampParser.INVALID
            : TimestampParser.toMicros(value, t.timestamp().unit());
    return new Pending(
        rows,
        micros == TimestampParser.INVALID
            ? Optional.empty()
            : Optional.of(Instant.EPOCH.plus(micros, ChronoUnit.MICROS)));
  }

  /** Rows with a rowid above {@code rowid} and at most {@code end}. */
  public long countBetween(SourceTable t, long rowid, long end) {
    String r = t.rowidName();
    String sql =
        "SELECT count(*) FROM " + quote(t.name()) + " WHERE " + r + " > ? AND " + r + " <= ?";
    long[] count = new long[1];
    query(
        t,
        "count",
        sql,
        rs -> {
          count[0] = rs.getLong(1);
          return true;
        },
        rowid,
        end);
    return count[0];
  }

  public Optional<SourceRow> rowAt(SourceTable t, long rowid) {
    String sql = select(t) + " WHERE " + t.rowidName() + " = ?";
    RowChunk chunk = chunk(t, "at", sql, 1, rowid);
    return chunk.size() == 0 ? Optional.empty() : Optional.of(chunk.row(0));
  }

  /** Rows with a rowid above {@code rowid} and at most {@code end}, in rowid order. */
  public RowChunk rowsAfter(SourceTable t, long rowid, long end, int limit) {
    String r = t.rowidName();
    String sql = select(t) + " WHERE " + r + " > ? AND " + r + " <= ? ORDER BY " + r + " LIMIT ?";
    return chunk(t, "after", sql, limit, rowid, end, limit);
  }

  /** Rows with a rowid at or below {@code rowid}, highest first. */
  public RowChunk rowsAtOrBelowDescending(SourceTable t, long rowid, int limit) {
    String r = t.rowidName();
    String sql = select(t) + " WHERE " + r + " <= ? ORDER BY " + r + " DESC LIMIT ?";
    return chunk(t, "below", sql, limit, rowid, limit);
  }

  private RowChunk chunk(SourceTable t, String name, String sql, int limit, long... params) {
    RowChunk chunk = new RowChunk(t.columns().size(), Math.min(limit, 4096));
    query(t, name, sql, chunk::add, params);
    return chunk;
  }

  /** Takes a row; false ends the read early. */
  private interface EachRow {
    boolean accept(ResultSet rs) throws SQLException;
  }

  /** Runs a cached statement of {@code t} named {@code name} with its integer parameters. */
  private void query(SourceTable t, String name, String sql, EachRow each, long... params) {
    try {
      PreparedStatement ps = statement(t, name, sql);
      for (int i = 0; i < params.length; i++) ps.setLong(i + 1, params[i]);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next() && each.accept(rs)) {}
      }
    } catch (SQLException e) {
      throw SqliteFile.failure(file, e);
    }
  }

  /** Cached by its text, which names the table's columns: a changed table gets new statements. */
  private PreparedStatement statement(SourceTable t, String name, String sql) throws SQLException {
    PreparedStatement ps = statements.get(sql);
    if (ps == null) {
      ps = connection.prepareStatement(sql);
      statements.put(sql, ps);
    }
    return ps;
  }

  /**
   * The columns, then one "storage classes" integer per {@value RowChunk#COLUMNS_PER_MASK} columns:
   * 3 bits per value from {@code typeof()}. Reading a value's class through JDBC is a native call
   * of its own; from the mask, a row costs one call for the mask plus one per non-NULL value.
   */
  private static String select(SourceTable t) {
    StringBuilder sql = new StringBuilder("SELECT ").append(t.rowidName());
    for (SourceColumn c : t.columns()) sql.append(", ").append(quote(c.name()));
    int n = t.columns().size();
    for (int from = 0; from < n; from += RowChunk.COLUMNS_PER_MASK) {
      sql.append(", ");
      for (int k = from; k < Math.min(n, from + RowChunk.COLUMNS_PER_MASK); k++) {
        if (k > from) sql.append(" | ");
        SourceColumn column = t.columns().get(k);
        sql.append("(CASE typeof(").append(quote(column.name())).append(")");
        for (String storageClass : storageClassesLikeliestFirst(column)) {
          sql.append(" WHEN '")
              .append(storageClass)
              .append("' THEN ")
              .append(STORAGE_CLASSES.indexOf(storageClass) + 1);
        }
        sql.append(" ELSE 0 END << ").append(3 * (k - from)).append(")");
      }
    }
    return sql.append(" FROM ").append(quote(t.name())).toString();
  }

  /** In the order of their codes in the mask (RowChunk.INTEGER = 1 ...). */
  private static final List<String> STORAGE_CLASSES = List.of("integer", "real", "text", "blob");

  /**
   * The storage classes, the one the column's affinity gives most values first: SQLite compares the
   * WHENs in order for every value, and a text column's 'text' tested first saves it two string
   * comparisons per value (~0.1 s per million rows of the sensor table).
   */
  private static List<String> storageClassesLikeliestFirst(SourceColumn column) {
    String first =
        switch (Affinity.of(column.declaredType())) {
          case INTEGER -> "integer";
          case TEXT -> "text";
          case REAL -> "real";
          case BLOB, NUMERIC -> null;
        };
    if (first == null) return STORAGE_CLASSES;
    List<String> ordered = new ArrayList<>(STORAGE_CLASSES);
    ordered.remove(first);
    ordered.add(0, first);
    return ordered;
  }

  /** sqlite-jdbc hands out Integer for small integers; the rest of the code sees only Long. */
  private static Object normalize(Object value) {
    return value instanceof Integer i ? Long.valueOf(i) : value;
  }

  private long scalarLong(String sql) {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw SqliteFile.failure(file, e);
    }
  }

  private String scalarText(String sql, String arg) {
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, arg);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getString(1) : null;
      }
    } catch (SQLException e) {
      throw SqliteFile.failure(file, e);
    }
  }

  public static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  @Override
  public void close() {
    try {
      for (PreparedStatement ps : statements.values()) ps.close();
      connection.close();
    } catch (SQLException e) {
      // nothing was written; nothing to save
    }
  }
}
