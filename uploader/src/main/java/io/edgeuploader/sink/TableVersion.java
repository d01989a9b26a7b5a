package io.edgeuploader.sink;

import io.delta.kernel.types.StructType;
import io.edgeuploader.cursor.Cursor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the uploader needs to know of a table (or a landing zone) as of one version. */
public interface TableVersion {
  /** The version: a Delta version, or the number of files a source has landed. */
  long version();

  /** The schema rows are written in. */
  StructType schema();

  List<String> partitionColumns();

  /** The cursor source {@code appId} last committed, if it has committed here. */
  Optional<Cursor> cursor(String appId);

  /** Every source that has committed here (as far as this version tells), with its cursor. */
  Map<String, Cursor> sources();
}
