package io.edgeuploader.source;

/** The unit of integer timestamps in a column, told apart by magnitude when detected. */
public enum EpochUnit {
  SECONDS(1_000_000L),
  MILLIS(1_000L),
  MICROS(1L),
  NANOS(0L);

  private final long microsPerUnit;

  EpochUnit(long microsPerUnit) {
    this.microsPerUnit = microsPerUnit;
  }

  /** Micros since the epoch, or {@link TimestampParser#INVALID} if out of the years 1–9999. */
  public long toMicros(long value) {
    long micros;
    if (this == NANOS) {
      micros = Math.floorDiv(value, 1000L);
    } else {
      micros = value * microsPerUnit;
      if (microsPerUnit != 0 && micros / microsPerUnit != value) return TimestampParser.INVALID;
    }
    return TimestampParser.inRange(micros) ? micros : TimestampParser.INVALID;
  }

  public long toMicros(double value) {
    double micros = this == NANOS ? value / 1000.0 : value * microsPerUnit;
    if (Double.isNaN(micros)
        || micros < TimestampParser.MIN_MICROS
        || micros > TimestampParser.MAX_MICROS) {
      return TimestampParser.INVALID;
    }
    return Math.round(micros);
  }

  /** The unit that makes a typical value of this magnitude a date between 1973 and 2286. */
  public static EpochUnit forMagnitude(long typicalAbsValue) {
    if (typicalAbsValue < 100_000_000_000L) return SECONDS;
    if (typicalAbsValue < 100_000_000_000_000L) return MILLIS;
    if (typicalAbsValue < 100_000_000_000_000_000L) return MICROS;
    return NANOS;
  }
}
