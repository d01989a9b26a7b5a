package io.edgeuploader.sink;

import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.defaults.internal.logstore.LogStoreProvider;
import io.delta.kernel.types.StructType;
import io.edgeuploader.CrashPoint;
import io.edgeuploader.config.TableConfig;
import io.edgeuploader.cursor.Cursor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A landing zone for fleets beyond what one Delta log can take: each batch of a source becomes one
 * Parquet file, {@code <landing_path>/<node>/<database>/<table>/<seq>.parquet}, in the columns and
 * types the Delta table would get, for the distributed engine users already run (Databricks Auto
 * Loader, Spark's file stream source) to load into the shared table. Nothing shared is read.
 *
 * <p>Exactly once, as the commit protocol is: a batch's file name comes from its source and
 * sequence number, and it is published only if the name is free ({@link LandingFile}), so a retry
 * after a crash can never add a second file for the same batch; the batch's cursor is in the file's
 * footer. The source's cursor is recovered from its progress object ({@code
 * <landing_path>/_progress/<node>/<database>/<table>.json}, written after each file) and the files
 * numbered after it, so it survives ingested files being cleaned up.
 */
public final class LandingZone implements Sink {
  private static final Logger log = LoggerFactory.getLogger(LandingZone.class);
  static final String CURSOR_KEY = "edge-uploader.cursor";
  static final String SOURCE_KEY = "edge-uploader.source";
  private static final Pattern FILE = Pattern.compile("\\d{20}\\.parquet");

  private final String name;
  private final String landingPath;
  private final Storage.Kind store;
  private final Configuration conf;
  private final String credentialSource;
  private final DataFileWriter dataFiles;
  private final String appId;
  private final Path dir;
  private final Path progress;
  private final Supplier<StructType> schema;

  /** The source's last landed batch, as this process knows it (another's publish would fail). */
  private Landed known;

  /**
   * @param name what {@code table=} says in the log lines
   * @param appId the source whose files these are
   * @param sourcePath the source's part of the paths: node, database file, table
   * @param schema the columns a batch is written in now (the table's would-be schema)
   */
  public LandingZone(
      String name,
      TableConfig config,
      Map<String, String> env,
      String appId,
      List<String> sourcePath,
      Supplier<StructType> schema) {
    this.name = name;
    this.landingPath = Storage.normalize(config.landingPath().orElseThrow());
    this.store = Storage.kind(landingPath);
    this.conf = Storage.configurationFor(landingPath, env, config.storageOptions());
    this.credentialSource = Storage.credentialSource(landingPath, env);
    this.dataFiles = new DataFileWriter(conf, Long.MAX_VALUE);
    this.appId = appId;
    String relative = String.join("/", sourcePath.stream().map(LandingZone::safe).toList());
    this.dir = new Path(landingPath, relative);
    this.progress = new Path(new Path(landingPath, "_progress"), relative + ".json");
    this.schema = schema;
  }

  /** A path segment from a name: anything but letters, digits and {@code ._=-} becomes '_'. */
  static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._=-]", "_");
  }

  @Override
  public String location() {
    return landingPath;
  }

  /** What the zone holds of this source: how many files it landed, and the last one's cursor. */
  private record Landed(long version, StructType schema, Cursor cursor, String appId)
      implements TableVersion {
    @Override
    public List<String> partitionColumns() {
      return List.of();
    }

    @Override
    public Optional<Cursor> cursor(String source) {
      return source.equals(appId) && cursor != null ? Optional.of(cursor) : Optional.empty();
    }

    @Override
    public Map<String, Cursor> sources() {
      return cursor == null ? Map.of() : Map.of(appId, cursor);
    }
  }

  @Override
  public Optional<TableVersion> latest() {
    if (known != null) return Optional.of(known);
    try {
      FileSystem fs = dir.getFileSystem(conf);
      Cursor cursor = readProgress(fs).orElse(null);
      if (cursor == null) cursor = newestFile(fs).orElse(null);
      long seq = cursor == null ? 0 : cursor.seq();
      // Files landed after the progress object was last written (a stop between the two).
      for (Optional<Cursor> next = footer(fs, file(seq + 1));
          next.isPresent();
          next = footer(fs, file(seq + 1))) {
        cursor = next.get();
        seq = cursor.seq();
      }
      if (cursor == null) return Optional.empty();
      known = new Landed(seq, schema.get(), cursor, appId);
      return Optional.of(known);
    } catch (IOException | RuntimeException e) {
      throw failure("reading the landing zone", e);
    }
  }

  private Path file(long seq) {
    return new Path(dir, String.format("%020d.parquet", seq));
  }

  private Optional<Cursor> readProgress(FileSystem fs) throws IOException {
    try (InputStream in = fs.open(progress)) {
      return Optional.of(Cursor.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  /** Without a progress object (written after every file; never lost on purpose): the newest. */
  private Optional<Cursor> newestFile(FileSystem fs) throws IOException {
    FileStatus[] files;
    try {
      files = fs.listStatus(dir, p -> FILE.matcher(p.getName()).matches());
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
    Path newest = null;
    for (FileStatus f : files) {
      if (newest == null || f.getPath().getName().compareTo(newest.getName()) > 0) {
        newest = f.getPath();
      }
    }
    if (newest == null) return Optional.empty();
    log.warn(
        "event=landing_progress_missing table={} file={} action=continue_from_newest_file",
        name,
        progress);
    return footer(fs, newest);
  }

  private Optional<Cursor> footer(FileSystem fs, Path file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromPath(file, conf))) {
      String json = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(CURSOR_KEY);
      return Optional.ofNullable(json).map(Cursor::fromJson);
    } catch (FileNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public TableVersion create(
      StructType schema, List<String> partitionColumns, boolean columnMapping) {
    return new Landed(0, schema, null, appId);
  }

  /** Files carry the columns SQLite has when they are written: the ingester evolves the table. */
  @Override
  public boolean canAddColumns(TableVersion table) {
    return true;
  }

  @Override
  public TableVersion addColumns(TableVersion table, List<io.delta.kernel.types.StructField> c) {
    Landed t = (Landed) table;
    return new Landed(t.version(), schema.get(), t.cursor(), appId);
  }

  @Override
  public Committed append(
      TableVersion base,
      String appId,
      long seq,
      Supplier<Cursor> cursorAfterData,
      Iterator<ColumnarBatch> data) {
    Path target = file(seq);
    LandingFile landing = null;
    try {
      landing = LandingFile.at(target, store, conf);
      Map<String, String> footer = new HashMap<>();
      DataFileWriter.DirectoryFiles out =
          dataFiles.single(landing.writtenPath(), landing.output(), footer);
      while (data.hasNext()) out.add(new FilteredColumnarBatch(data.next(), Optional.empty()));
      Cursor cursor = cursorAfterData.get();
      footer.put(CURSOR_KEY, cursor.toJson());
      footer.put(SOURCE_KEY, appId);
      long bytes = out.finish().get(0).getSize();
      CrashPoint.AFTER_PARQUET.reached();
      landing.publish();
      known = new Landed(seq, base.schema(), cursor, appId);
      writeProgress(cursor);
      return new Committed(known, seq, bytes, 1);
    } catch (IOException | RuntimeException e) {
      if (landing != null) landing.abort();
      known = null;
      if (LandingFile.lostRace(e)) {
        throw new SourceCommittedElsewhereException(
            "another process landed batch "
                + seq
                + " of source "
                + appId
                + " at "
                + target
                + "; is the same database uploaded twice with the same node id?",
            e);
      }
      throw failure("writing to the landing zone", e);
    }
  }

  /**
   * The progress object says where the source is, for after its files were ingested and cleaned up.
   * Written after the file: if it is not written, the next start finds the file after it.
   */
  private void writeProgress(Cursor cursor) {
    try {
      String scheme = progress.toUri().getScheme();
      LogStoreProvider.getLogStore(conf, scheme == null ? "file" : scheme)
          .write(progress, List.of(cursor.toJson()).iterator(), true, conf);
    } catch (IOException | RuntimeException e) {
      log.warn(
          "event=landing_progress_not_saved table={} file={} error=\"{}\"",
          name,
          progress,
          StoreFailure.cause(e));
    }
  }

  @Override
  public long rowCount(TableVersion table) {
    return table.cursor(appId).map(Cursor::rows).orElse(0L);
  }

  @Override
  public StoreStatistics statistics() {
    return StoreStatistics.of(landingPath, conf);
  }

  private RuntimeException failure(String doing, Exception e) {
    return StoreFailure.toException(doing, landingPath, store, credentialSource, e);
  }
}
