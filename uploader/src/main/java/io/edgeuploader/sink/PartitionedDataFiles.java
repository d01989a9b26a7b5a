package io.edgeuploader.sink;

import io.delta.kernel.DataWriteContext;
import io.delta.kernel.Transaction;
import io.delta.kernel.data.ColumnVector;
import io.delta.kernel.data.ColumnarBatch;
import io.delta.kernel.data.FilteredColumnarBatch;
import io.delta.kernel.data.Row;
import io.delta.kernel.engine.Engine;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.DataFileStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The data files of one commit, one set per partition of the table: rows are routed by their
 * partition values, Kernel makes each partition's rows physical (dropping the partition columns)
 * and says where its files go, and the files become the commit's add actions. A backfill in rowid
 * order meets dates one after another, so only the {@value #MAX_OPEN_FILES} partitions written most
 * recently keep a file open (each buffers a row group); an older one that comes back gets a new
 * file.
 */
final class PartitionedDataFiles implements AutoCloseable {
  static final int MAX_OPEN_FILES = 8;

  private record Partition(
      Map<String, Literal> values, DataWriteContext context, DataFileWriter.DirectoryFiles files) {}

  private final Engine engine;
  private final Row state;
  private final DataFileWriter writer;
  private final StructType schema;
  private final List<String> partitionColumns;
  private final int[] partitionIndex;

  /** For a column-mapped table, how its rows become physical; null otherwise (Kernel does it). */
  private final ColumnMapping.Layout mapped;

  /** By partition key, most recently written last. */
  private final LinkedHashMap<List<Object>, Partition> partitions =
      new LinkedHashMap<>(16, 0.75f, true);

  PartitionedDataFiles(
      Engine engine,
      Row state,
      DataFileWriter writer,
      StructType schema,
      List<String> partitionColumns,
      boolean columnMapping) {
    this.mapped = columnMapping ? ColumnMapping.Layout.of(schema, partitionColumns) : null;
    this.engine = engine;
    this.state = state;
    this.writer = writer;
    this.schema = schema;
    this.partitionColumns = partitionColumns;
    this.partitionIndex = new int[partitionColumns.size()];
    for (int i = 0; i < partitionIndex.length; i++) {
      partitionIndex[i] = indexOf(schema, partitionColumns.get(i));
    }
  }

  private static int indexOf(StructType schema, String column) {
    for (int i = 0; i < schema.length(); i++) {
      if (schema.at(i).getName().equalsIgnoreCase(column)) return i;
    }
    throw new IllegalStateException("partition column " + column + " is not in the schema");
  }

  /** Adds a batch in the table's logical schema. */
  void add(ColumnarBatch logical) throws IOException {
    if (partitionIndex.length == 0) {
      write(List.of(), logical, Optional.empty());
      return;
    }
    Map<List<Object>, boolean[]> rowsByKey = new LinkedHashMap<>();
    for (int row = 0; row < logical.getSize(); row++) {
      rowsByKey.computeIfAbsent(key(logical, row), k -> new boolean[logical.getSize()])[row] = true;
    }
    if (rowsByKey.size() == 1) {
      write(rowsByKey.keySet().iterator().next(), logical, Optional.empty());
      return;
    }
    for (Map.Entry<List<Object>, boolean[]> e : rowsByKey.entrySet()) {
      write(e.getKey(), logical, Optional.of(new Selection(e.getValue())));
    }
  }

  /** The row's partition values: an Integer (days) for a date, UTF-8 bytes for a string. */
  private List<Object> key(ColumnarBatch batch, int row) {
    Object[] key = new Object[partitionIndex.length];
    for (int i = 0; i < key.length; i++) {
      ColumnVector v = batch.getColumnVector(partitionIndex[i]);
      if (v.isNullAt(row)) continue;
      DataType type = v.getDataType();
      if (type instanceof DateType) key[i] = v.getInt(row);
      else if (type instanceof StringType) key[i] = ByteBuffer.wrap(v.getBinary(row));
      else throw new IllegalStateException("cannot partition by a column of type " + type);
    }
    return Arrays.asList(key);
  }

  private Map<String, Literal> literals(List<Object> key) {
    Map<String, Literal> values = new HashMap<>();
    for (int i = 0; i < key.size(); i++) {
      DataType type = schema.at(partitionIndex[i]).getDataType();
      Object k = key.get(i);
      Literal value =
          k == null
              ? Literal.ofNull(type)
              : k instanceof Integer days
                  ? Literal.ofDate(days)
                  : Literal.ofString(
                      StandardCharsets.UTF_8.decode(((ByteBuffer) k).duplicate()).toString());
      values.put(partitionColumns.get(i), value);
    }
    return values;
  }

  private void write(List<Object> key, ColumnarBatch logical, Optional<ColumnVector> selection)
      throws IOException {
    Partition p = partitions.get(key);
    if (p == null) {
      Map<String, Literal> values = literals(key);
      DataWriteContext context = Transaction.getWriteContext(engine, state, values);
      p =
          new Partition(
              values,
              context,
              writer.open(context.getTargetDirectory(), context.getStatisticsColumns()));
      partitions.put(key, p);
    }
    closeLeastRecentFiles();
    if (mapped != null) {
      p.files().add(new FilteredColumnarBatch(mapped.physical(logical), selection));
      return;
    }
    try (CloseableIterator<FilteredColumnarBatch> physical =
        Transaction.transformLogicalData(
            engine,
            state,
            DeltaSink.closeable(List.of(new FilteredColumnarBatch(logical, selection)).iterator()),
            p.values())) {
      while (physical.hasNext()) p.files().add(physical.next());
    }
  }

  /** Keeps at most MAX_OPEN_FILES files open (the partition written now is the newest). */
  private void closeLeastRecentFiles() throws IOException {
    int open = 0;
    for (Partition p : partitions.values()) if (p.files().hasOpenFile()) open++;
    Iterator<Partition> oldestFirst = partitions.values().iterator();
    while (open >= MAX_OPEN_FILES && oldestFirst.hasNext()) {
      Partition p = oldestFirst.next();
      if (p.files().hasOpenFile()) {
        p.files().closeFile();
        open--;
      }
    }
  }

  /** Ends every file; what was written, to be committed (once, or again after a lost race). */
  Written finish() throws IOException {
    List<Written.Directory> directories = new ArrayList<>();
    long bytes = 0;
    for (Partition p : partitions.values()) {
      List<DataFileStatus> files = p.files().finish();
      for (DataFileStatus f : files) bytes += f.getSize();
      directories.add(new Written.Directory(p.context(), files));
    }
    return new Written(directories, bytes);
  }

  /** The data files of a commit, by partition directory, and their bytes. */
  record Written(List<Directory> directories, long bytes) {
    record Directory(DataWriteContext context, List<DataFileStatus> files) {}

    /** The add actions of these files in a transaction with state {@code state}. */
    List<Row> actions(Engine engine, Row state) throws IOException {
      List<Row> actions = new ArrayList<>();
      for (Directory d : directories) {
        try (CloseableIterator<Row> it =
            Transaction.generateAppendActions(
                engine, state, DeltaSink.closeable(d.files().iterator()), d.context())) {
          while (it.hasNext()) actions.add(it.next());
        }
      }
      return actions;
    }
  }

  /** After a failure: no half-written file stays behind. */
  @Override
  public void close() {
    for (Partition p : partitions.values()) p.files().abandon();
  }

  /** Which rows of a batch belong to one partition. */
  private static final class Selection implements ColumnVector {
    private final boolean[] selected;

    Selection(boolean[] selected) {
      this.selected = selected;
    }

    @Override
    public DataType getDataType() {
      return BooleanType.BOOLEAN;
    }

    @Override
    public int getSize() {
      return selected.length;
    }

    @Override
    public void close() {}

    @Override
    public boolean isNullAt(int rowId) {
      return false;
    }

    @Override
    public boolean getBoolean(int rowId) {
      return selected[rowId];
    }
  }
}
