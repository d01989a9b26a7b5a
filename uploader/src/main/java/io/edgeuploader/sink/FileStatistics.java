package io.edgeuploader.sink;

import io.delta.kernel.expressions.Column;
import io.delta.kernel.expressions.Literal;
import io.delta.kernel.statistics.DataFileStatistics;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.api.Binary;

/**
 * The statistics Delta keeps for a data file (row count, and per column minimum, maximum and NULL
 * count), taken from the Parquet footer just written. Readers skip files with them, so a bound must
 * never be wrong; where one would have to be rounded it is left out: booleans and binaries (as
 * Delta's writers do), non-finite doubles, and strings longer than {@value #MAX_STRING_CHARS}
 * characters.
 */
final class FileStatistics {
  static final int MAX_STRING_CHARS = 32;

  private FileStatistics() {}

  static DataFileStatistics of(
      ParquetMetadata footer, StructType schema, List<Column> statsColumns) {
    long rows = 0;
    for (BlockMetaData block : footer.getBlocks()) rows += block.getRowCount();
    Map<Column, Literal> min = new HashMap<>();
    Map<Column, Literal> max = new HashMap<>();
    Map<Column, Long> nulls = new HashMap<>();
    for (Column column : statsColumns) {
      String[] names = column.getNames();
      if (names.length != 1 || schema.indexOf(names[0]) < 0) continue;
      int index = schema.indexOf(names[0]);
      Statistics<?> merged = merged(footer, index);
      if (merged == null || !merged.isNumNullsSet()) continue;
      nulls.put(column, merged.getNumNulls());
      if (!merged.hasNonNullValue()) continue;
      DataType type = schema.at(index).getDataType();
      Optional<Literal> lo = literal(type, merged.genericGetMin());
      Optional<Literal> hi = literal(type, merged.genericGetMax());
      if (lo.isPresent() && hi.isPresent()) {
        min.put(column, lo.get());
        max.put(column, hi.get());
      }
    }
    return new DataFileStatistics(rows, min, max, nulls, Optional.empty());
  }

  /** The column's statistics over every row group, or null if a row group has none. */
  private static Statistics<?> merged(ParquetMetadata footer, int index) {
    Statistics<?> merged = null;
    for (BlockMetaData block : footer.getBlocks()) {
      ColumnChunkMetaData chunk = block.getColumns().get(index);
      Statistics<?> stats = chunk.getStatistics();
      if (stats == null || stats.isEmpty()) return null;
      if (merged == null) merged = Statistics.createStats(chunk.getPrimitiveType());
      merged.mergeStatistics(stats);
    }
    return merged;
  }

  private static Optional<Literal> literal(DataType type, Object value) {
    if (type instanceof LongType) return Optional.of(Literal.ofLong((Long) value));
    if (type instanceof TimestampType) return Optional.of(Literal.ofTimestamp((Long) value));
    if (type instanceof DateType) return Optional.of(Literal.ofDate((Integer) value));
    if (type instanceof DoubleType) {
      double d = (Double) value;
      return Double.isFinite(d) ? Optional.of(Literal.ofDouble(d)) : Optional.empty();
    }
    if (type instanceof StringType) {
      String s = ((Binary) value).toStringUsingUTF8();
      return s.codePointCount(0, s.length()) <= MAX_STRING_CHARS
          ? Optional.of(Literal.ofString(s))
          : Optional.empty();
    }
    if (type instanceof DecimalType d) {
      BigInteger unscaled =
          value instanceof Binary b
              ? new BigInteger(b.getBytes())
              : BigInteger.valueOf(((Number) value).longValue());
      return Optional.of(
          Literal.ofDecimal(
              new BigDecimal(unscaled, d.getScale()), d.getPrecision(), d.getScale()));
    }
    return Optional.empty();
  }
}
