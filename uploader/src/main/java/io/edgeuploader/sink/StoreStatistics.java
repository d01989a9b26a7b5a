package io.edgeuploader.sink;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;

/**
 * What a store has cost so far, as the file system counts it: requests by kind and bytes each way.
 * On a fleet of thousands these are the bill (object stores charge per request), so they are
 * metrics. S3A counts them; other stores report none.
 */
public final class StoreStatistics {
  /** Our names for S3A's counters. */
  private static final Map<String, String> S3A =
      Map.of(
          "get", "action_http_get_request",
          "head", "action_http_head_request",
          "list", "object_list_request",
          "put", "object_put_request",
          "delete", "object_delete_request",
          "copy", "object_copy_requests",
          "read_bytes", "stream_read_bytes",
          "write_bytes", "object_put_bytes");

  private final String store;
  private final FileSystem fs;

  private StoreStatistics(String store, FileSystem fs) {
    this.store = store;
    this.fs = fs;
  }

  static StoreStatistics of(String location, Configuration conf) {
    try {
      Path path = new Path(location);
      FileSystem fs = path.getFileSystem(conf);
      return new StoreStatistics(
          path.toUri().getScheme() + "://" + path.toUri().getAuthority(), fs);
    } catch (IOException | RuntimeException e) {
      return new StoreStatistics(location, null);
    }
  }

  /** The store, as a label: scheme and bucket (or account); tables in one bucket share it. */
  public String store() {
    return store;
  }

  /** The counts so far: get, head, list, put, delete, copy, read_bytes, write_bytes. */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    IOStatistics stats = fs == null ? null : IOStatisticsSupport.retrieveIOStatistics(fs);
    if (stats == null || stats.counters().get(S3A.get("get")) == null) return counts;
    S3A.forEach((ours, theirs) -> counts.put(ours, stats.counters().getOrDefault(theirs, 0L)));
    return counts;
  }
}
