package io.edgeuploader.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What happens when the application adds a column to its SQLite table (schema_evolution). */
public enum SchemaEvolution {
  /**
   * The column becomes a nullable Delta column, in a commit of its own before the rows that use it.
   * Needs column mapping, which new tables get; an older table keeps rescuing until it is upgraded
   * (upgrade-table).
   */
  ADD_COLUMNS,
  /** The table stays as it was created; new columns' values go to _rescued_data. */
  RESCUE;

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SchemaEvolution> named(String text) {
    return Arrays.stream(values()).filter(v -> v.configName().equals(text)).findFirst();
  }
}
