package io.edgeuploader;

/**
 * Named instants in an upload where the crash tests stop the process dead (as kill -9 would), set
 * through the environment variable {@value #ENV}. Unset in normal use, where each check is one
 * comparison with null.
 */
public enum CrashPoint {
  /** Parquet files are written, the Delta commit is not. */
  AFTER_PARQUET,
  /** The Delta commit is done, the local state cache is not updated. */
  AFTER_COMMIT,
  /** The new state file is half written, not yet renamed over the old one. */
  DURING_STATE_SAVE,
  /** Columns were added to the table in a commit of their own; no row uses them yet. */
  AFTER_COLUMNS_ADDED,
  /** upgrade-table is about to commit column mapping. */
  BEFORE_UPGRADE_COMMIT;

  /** The steps of a commit of rows, which every crash test of an upload stops at in turn. */
  public static final java.util.List<CrashPoint> COMMIT_STEPS =
      java.util.List.of(AFTER_PARQUET, AFTER_COMMIT, DURING_STATE_SAVE);

  public static final String ENV = "EDGE_UPLOADER_CRASH_AT";
  private static final String CONFIGURED = System.getenv(ENV);

  public void reached() {
    if (CONFIGURED != null && CONFIGURED.equalsIgnoreCase(name().replace('_', '-'))) {
      Runtime.getRuntime().halt(137);
    }
  }
}
