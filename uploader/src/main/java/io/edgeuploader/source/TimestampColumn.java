package io.edgeuploader.source;

/**
 * The column whose values become the Delta TIMESTAMP, how its integers are scaled, and why it was
 * chosen (shown in the log and by --dry-run); or none, for a table without one (its name is then
 * empty and matches no column).
 */
public record TimestampColumn(String name, EpochUnit unit, String reason) {
  static TimestampColumn none(String reason) {
    return new TimestampColumn("", EpochUnit.SECONDS, reason);
  }

  public boolean present() {
    return !name.isEmpty();
  }

  /** The name, or "none". */
  public String shown() {
    return present() ? name : "none";
  }
}
