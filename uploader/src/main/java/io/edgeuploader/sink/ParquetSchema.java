package io.edgeuploader.sink;

import io.delta.kernel.types.BinaryType;
import io.delta.kernel.types.BooleanType;
import io.delta.kernel.types.DataType;
import io.delta.kernel.types.DateType;
import io.delta.kernel.types.DecimalType;
import io.delta.kernel.types.DoubleType;
import io.delta.kernel.types.LongType;
import io.delta.kernel.types.StringType;
import io.delta.kernel.types.StructField;
import io.delta.kernel.types.StructType;
import io.delta.kernel.types.TimestampType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;

/**
 * The Parquet layout of the Delta types the uploader writes, as Delta's own writers lay them out
 * (Spark and Kernel): timestamps as INT64 micros adjusted to UTC, dates as INT32 days, decimals in
 * the smallest physical type that holds their precision. Every column is optional: SQLite does not
 * enforce NOT NULL on the values that reach us, and a value that does not fit is NULL.
 */
final class ParquetSchema {
  private ParquetSchema() {}

  static MessageType of(StructType schema) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (StructField field : schema.fields()) {
      PrimitiveType column = column(field);
      // A column-mapped table's files carry each column's id as its Parquet field id.
      if (field.getMetadata().contains(ColumnMapping.ID)) {
        column = column.withId(field.getMetadata().getLong(ColumnMapping.ID).intValue());
      }
      message.addField(column);
    }
    return message.named("spark_schema");
  }

  /** Bytes of a FIXED_LEN_BYTE_ARRAY that hold any unscaled value of {@code precision} digits. */
  static int decimalBytes(int precision) {
    int bytes = 1;
    while (Math.pow(2.0, 8 * bytes - 1) < Math.pow(10.0, precision)) bytes++;
    return bytes;
  }

  private static PrimitiveType column(StructField field) {
    DataType type = field.getDataType();
    String name = field.getName();
    if (type instanceof LongType) return primitive(PrimitiveTypeName.INT64).named(name);
    if (type instanceof DoubleType) return primitive(PrimitiveTypeName.DOUBLE).named(name);
    if (type instanceof BooleanType) return primitive(PrimitiveTypeName.BOOLEAN).named(name);
    if (type instanceof BinaryType) return primitive(PrimitiveTypeName.BINARY).named(name);
    if (type instanceof StringType) {
      return primitive(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
    }
    if (type instanceof DateType) {
      return primitive(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(name);
    }
    if (type instanceof TimestampType) {
      return primitive(PrimitiveTypeName.INT64)
          .as(LogicalTypeAnnotation.timestampType(true, TimeUnit.MICROS))
          .named(name);
    }
    if (type instanceof DecimalType d) {
      LogicalTypeAnnotation decimal =
          LogicalTypeAnnotation.decimalType(d.getScale(), d.getPrecision());
      if (d.getPrecision() <= 9) return primitive(PrimitiveTypeName.INT32).as(decimal).named(name);
      if (d.getPrecision() <= 18) return primitive(PrimitiveTypeName.INT64).as(decimal).named(name);
      return primitive(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
          .length(decimalBytes(d.getPrecision()))
          .as(decimal)
          .named(name);
    }
    throw new IllegalArgumentException("no Parquet layout for column " + name + " of type " + type);
  }

  private static Types.PrimitiveBuilder<PrimitiveType> primitive(PrimitiveTypeName physical) {
    return Types.primitive(physical, Repetition.OPTIONAL);
  }
}
