package io.edgeuploader.sink;

import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.expressions.Column;
import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.MessageType;

/**
 * Writes the rows of one commit as Parquet data files, value by value into Parquet's column
 * writers. Kernel's own Parquet handler does the same work through a generic row-by-row layer that
 * was 80% of the uploader's CPU in a backfill (see REARCHITECTURE.md); Kernel still decides where
 * the files go and turns them into the commit's add actions.
 */
final class DataFileWriter {
  /**
   * Row groups are buffered in memory until full, so this bounds the writer's heap; at 2.5-3x
   * compression a row group holds about 100 MB of values, plenty for readers to scan well.
   */
  static final long ROW_GROUP_BYTES = 32L << 20;

  private static final CompressionCodecName CODEC = CompressionCodecName.ZSTD;

  private final Configuration conf;
  private final long targetFileBytes;
  private final long rowGroupBytes;
  private final CodecFactory codecs;

  DataFileWriter(Configuration conf, long targetFileBytes) {
    this.conf = conf;
    this.targetFileBytes = targetFileBytes;
    this.rowGroupBytes = Math.min(ROW_GROUP_BYTES, targetFileBytes);
    this.codecs = new CodecFactory(conf, ParquetProperties.DEFAULT_PAGE_SIZE);
  }

  /** Starts the data files of one commit under {@code directory} (a partition's, say). */
  DirectoryFiles open(String directory, List<Column> statsColumns) {
    return new DirectoryFiles(directory, statsColumns, null, Map.of());
  }

  /**
   * Starts a single file of every row added, written to {@code out} (at {@code path}), with {@code
   * footer} in its key-value metadata: a landing file, which must not be split.
   */
  DirectoryFiles single(Path path, OutputFile out, Map<String, String> footer) {
    return new DirectoryFiles(path.toString(), List.of(), new Target(path, out), footer);
  }

  /** Where a single file goes. */
  private record Target(Path path, OutputFile out) {}

  /**
   * The data files of one commit in one directory: rows are appended to the open file, a new file
   * begins whenever one reaches the target size, and each file is listed with the statistics Delta
   * keeps for the statistics columns.
   */
  final class DirectoryFiles {
    private final String directory;
    private final List<Column> statsColumns;
    private final Target single;
    private final Map<String, String> footer;
    private final List<DataFileStatus> written = new ArrayList<>();
    private StructType schema;
    private MessageType parquet;
    private ValueWriter[] values;
    private ParquetProperties properties;
    private OpenFile file;

    private DirectoryFiles(
        String directory, List<Column> statsColumns, Target single, Map<String, String> footer) {
      this.directory = directory;
      this.statsColumns = statsColumns;
      this.single = single;
      this.footer = footer;
    }

    /** Appends the selected rows of a batch Kernel made physical (one schema per commit). */
    void add(FilteredColumnarBatch filtered) throws IOException {
      ColumnarBatch batch = filtered.getData();
      if (schema == null) {
        schema = batch.getSchema();
        parquet = ParquetSchema.of(schema);
        values = valueWriters(schema);
        properties = properties(schema);
      } else if (!schema.equals(batch.getSchema())) {
        throw new IllegalStateException("batches of one commit differ in schema");
      }
      Optional<ColumnVector> selected = filtered.getSelectionVector();
      ColumnVector[] columns = new ColumnVector[values.length];
      for (int c = 0; c < columns.length; c++) columns[c] = batch.getColumnVector(c);
      for (int row = 0; row < batch.getSize(); row++) {
        if (selected.isPresent()
            && (selected.get().isNullAt(row) || !selected.get().getBoolean(row))) {
          continue;
        }
        if (file == null) {
          Path path = single != null ? single.path() : new Path(directory, fileName());
          OutputFile out = single != null ? single.out() : HadoopOutputFile.fromPath(path, conf);
          file = new OpenFile(path, out, parquet, properties);
        }
        file.append(values, columns, row);
        boolean full = file.rowGroupFull() && file.flushRowGroup() >= targetFileBytes;
        if (full && single == null) closeFile();
      }
    }

    boolean hasOpenFile() {
      return file != null;
    }

    /** Ends the open file, if any; rows added later go to a new one. Frees its buffers. */
    void closeFile() throws IOException {
      if (file == null) return;
      OpenFile f = file;
      file = null;
      written.add(f.finish(schema, statsColumns, footer, single == null));
    }

    /** Ends the open file and returns every file written. */
    List<DataFileStatus> finish() throws IOException {
      closeFile();
      return written;
    }

    /**
     * After a failure: deletes the half-written file (finished ones are orphans, harmless). A
     * single file is its owner's to abort: closing it could publish it half written, and its path
     * may be a name another writer won.
     */
    void abandon() {
      if (file != null && single == null) file.abandon();
      file = null;
    }
  }

  /**
   * Parquet's defaults (ZSTD comes from the codec, dictionaries where they pay), except no
   * dictionary for BLOB columns: their values rarely repeat, and a dictionary that gives up on a
   * value of megabytes copies it once more on the way out.
   */
  private static ParquetProperties properties(StructType schema) {
    ParquetProperties.Builder b = ParquetProperties.builder();
    for (int c = 0; c < schema.length(); c++) {
      if (schema.at(c).getDataType() instanceof BinaryType) {
        b.withDictionaryEncoding(schema.at(c).getName(), false);
      }
    }
    return b.build();
  }

  private static String fileName() {
    return UUID.randomUUID() + ".parquet";
  }

  /** One Parquet file being written: its row group is buffered in memory until flushed. */
  private final class OpenFile {
    private final Path path;
    private final MessageType parquet;
    private final ParquetFileWriter file;
    private ColumnChunkPageWriteStore pages;
    private ColumnWriteStore store;
    private ColumnWriter[] writers;
    private long rowsInGroup;
    private int rowsSinceSizeCheck;
    private long bytesSinceSizeCheck;

    private final ParquetProperties properties;

    OpenFile(Path path, OutputFile out, MessageType parquet, ParquetProperties properties)
        throws IOException {
      this.path = path;
      this.parquet = parquet;
      this.properties = properties;
      this.file =
          new ParquetFileWriter(
              out, parquet, ParquetFileWriter.Mode.CREATE, rowGroupBytes, 0, null, properties);
      file.start();
      startRowGroup();
    }

    private void startRowGroup() {
      pages =
          new ColumnChunkPageWriteStore(
              codecs.getCompressor(CODEC),
              parquet,
              properties.getAllocator(),
              properties.getColumnIndexTruncateLength(),
              properties.getPageWriteChecksumEnabled());
      store = properties.newColumnWriteStore(parquet, pages, pages);
      List<ColumnDescriptor> descriptors = parquet.getColumns();
      writers = new ColumnWriter[descriptors.size()];
      for (int c = 0; c < writers.length; c++) {
        writers[c] = store.getColumnWriter(descriptors.get(c));
      }
      rowsInGroup = 0;
    }

    void append(ValueWriter[] values, ColumnVector[] columns, int row) {
      for (int c = 0; c < values.length; c++) {
        ColumnVector column = columns[c];
        // Top-level optional columns: definition level 1 holds a value, 0 is NULL.
        if (column.isNullAt(row)) writers[c].writeNull(0, 0);
        else bytesSinceSizeCheck += values[c].write(writers[c], column, row);
      }
      store.endRecord();
      rowsInGroup++;
      rowsSinceSizeCheck++;
    }

    /**
     * Asking the store for its size walks every column, so it is asked every 1,024 rows, or sooner
     * after large values (megabytes of text or BLOB in a row must not pile up).
     */
    boolean rowGroupFull() {
      if (rowsSinceSizeCheck < 1024 && bytesSinceSizeCheck < (1 << 22)) return false;
      rowsSinceSizeCheck = 0;
      bytesSinceSizeCheck = 0;
      return store.getBufferedSize() >= rowGroupBytes;
    }

    /** Writes the buffered row group out and starts the next; returns the file's size so far. */
    long flushRowGroup() throws IOException {
      writeRowGroup();
      startRowGroup();
      return file.getPos();
    }

    private void writeRowGroup() throws IOException {
      if (rowsInGroup == 0) return;
      file.startBlock(rowsInGroup);
      store.flush();
      pages.flushToFileWriter(file);
      file.endBlock();
      store.close();
      pages.close();
      rowsInGroup = 0;
    }

    /**
     * Ends the file with {@code footer} in its metadata. A data file's status is the store's (its
     * modification time goes into the log); otherwise the size written will do, a request less.
     */
    DataFileStatus finish(
        StructType schema,
        List<Column> statsColumns,
        Map<String, String> footer,
        boolean statFromStore)
        throws IOException {
      writeRowGroup();
      file.end(footer);
      Optional<io.delta.kernel.statistics.DataFileStatistics> stats =
          Optional.of(FileStatistics.of(file.getFooter(), schema, statsColumns));
      if (!statFromStore) {
        return new DataFileStatus(
            path.toString(), file.getPos(), System.currentTimeMillis(), stats);
      }
      FileStatus status = path.getFileSystem(conf).getFileStatus(path);
      return new DataFileStatus(
          status.getPath().toString(), status.getLen(), status.getModificationTime(), stats);
    }

    /** A failed commit leaves no half-written file behind, if the store lets us delete it. */
    void abandon() {
      try {
        file.close();
      } catch (IOException | RuntimeException e) {
        // already failing; the delete below matters more
      }
      try {
        path.getFileSystem(conf).delete(path, false);
      } catch (IOException | RuntimeException e) {
        // an orphan file is harmless: no commit refers to it (VACUUM removes it)
      }
    }
  }

  /**
   * Writes a non-NULL value of one column, in the physical type {@link ParquetSchema} chose, and
   * says about how many bytes it took.
   */
  @FunctionalInterface
  private interface ValueWriter {
    int write(ColumnWriter out, ColumnVector column, int row);
  }

  private static ValueWriter[] valueWriters(StructType schema) {
    ValueWriter[] writers = new ValueWriter[schema.length()];
    for (int c = 0; c < writers.length; c++) writers[c] = valueWriter(schema.at(c).getDataType());
    return writers;
  }

  private static ValueWriter valueWriter(DataType type) {
    if (type instanceof LongType || type instanceof TimestampType) {
      return (out, column, row) -> {
        out.write(column.getLong(row), 0, 1);
        return 8;
      };
    }
    if (type instanceof DoubleType) {
      return (out, column, row) -> {
        out.write(column.getDouble(row), 0, 1);
        return 8;
      };
    }
    if (type instanceof BooleanType) {
      return (out, column, row) -> {
        out.write(column.getBoolean(row), 0, 1);
        return 1;
      };
    }
    if (type instanceof DateType) {
      return (out, column, row) -> {
        out.write(column.getInt(row), 0, 1);
        return 4;
      };
    }
    if (type instanceof StringType || type instanceof BinaryType) {
      // The uploader's string vectors hand out their UTF-8 bytes here (see ColumnBuffer); the
      // bytes are never changed after, so Parquet may keep them without copying.
      return (out, column, row) -> {
        byte[] bytes = column.getBinary(row);
        out.write(Binary.fromConstantByteArray(bytes), 0, 1);
        return bytes.length;
      };
    }
    if (type instanceof DecimalType d) {
      int width = ParquetSchema.decimalBytes(d.getPrecision());
      return (out, column, row) -> {
        BigInteger unscaled = column.getDecimal(row).unscaledValue();
        if (d.getPrecision() <= 9) out.write(unscaled.intValueExact(), 0, 1);
        else if (d.getPrecision() <= 18) out.write(unscaled.longValueExact(), 0, 1);
        else out.write(Binary.fromConstantByteArray(fixedWidth(unscaled, width)), 0, 1);
        return width;
      };
    }
    throw new IllegalArgumentException("no Parquet writer for type " + type);
  }

  /** Big-endian two's complement, sign-extended to {@code width} bytes. */
  private static byte[] fixedWidth(BigInteger unscaled, int width) {
    byte[] minimal = unscaled.toByteArray();
    byte[] out = new byte[width];
    byte pad = (byte) (unscaled.signum() < 0 ? -1 : 0);
    int offset = width - minimal.length;
    for (int i = 0; i < offset; i++) out[i] = pad;
    System.arraycopy(minimal, 0, out, offset, minimal.length);
    return out;
  }
}
