package io.edgeuploader.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampParserTest {
  private static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
  }

  @ParameterizedTest
  @CsvSource({
    "2024-05-01,                          2024-05-01T00:00:00Z",
    "2024-05-01 12:34,                    2024-05-01T12:34:00Z",
    "2024-05-01 12:34:56,                 2024-05-01T12:34:56Z",
    "2024-05-01T12:34:56,                 2024-05-01T12:34:56Z",
    "2024-05-01T12:34:56.7,               2024-05-01T12:34:56.700Z",
    "2024-05-01 12:34:56.123456789,       2024-05-01T12:34:56.123456Z",
    "2024-05-01T12:34:56Z,                2024-05-01T12:34:56Z",
    "2024-05-01T12:34:56+02:00,           2024-05-01T10:34:56Z",
    "2024-05-01T12:34:56.5-0530,          2024-05-01T18:04:56.500Z",
    "2024-05-01T12:34:56+01,              2024-05-01T11:34:56Z",
    "1969-12-31T23:59:59.999999Z,         1969-12-31T23:59:59.999999Z",
    "0001-01-01T00:00:00Z,                0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z,         9999-12-31T23:59:59.999999Z",
    "2024-02-29,                          2024-02-29T00:00:00Z"
  })
  void parsesIsoText(String text, String expected) {
    assertEquals(micros(expected), TimestampParser.parseIso(text));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "n/a",
        "2024-13-01",
        "2023-02-29",
        "2024-05-01X",
        "2024-05-01 25:00",
        "2024-05-01T12:34:56+25:00",
        "2024-05-01T12:3",
        "24-05-01",
        "2024-05-01T12:34:56.",
        "0000-01-01"
      })
  void rejectsWhatIsNotATime(String text) {
    assertEquals(TimestampParser.INVALID, TimestampParser.parseIso(text));
  }

  @Test
  void epochUnitsAndJulianDays() {
    long expected = micros("2023-11-14T22:13:20Z");
    assertEquals(expected, TimestampParser.toMicros(1_700_000_000L, EpochUnit.SECONDS));
    assertEquals(expected, TimestampParser.toMicros(1_700_000_000_000L, EpochUnit.MILLIS));
    assertEquals(expected, TimestampParser.toMicros(1_700_000_000_000_000L, EpochUnit.MICROS));
    assertEquals(expected, TimestampParser.toMicros(1_700_000_000_000_000_000L, EpochUnit.NANOS));
    assertEquals(expected, TimestampParser.toMicros("1700000000", EpochUnit.SECONDS));
    assertEquals(expected + 500_000, TimestampParser.toMicros(1_700_000_000.5, EpochUnit.SECONDS));
    // SQLite's julianday('2000-01-01 12:00:00')
    assertEquals(
        micros("2000-01-01T12:00:00Z"), TimestampParser.toMicros(2451545.0, EpochUnit.SECONDS));
    assertEquals(
        TimestampParser.INVALID, TimestampParser.toMicros(Long.MAX_VALUE, EpochUnit.SECONDS));
    assertEquals(TimestampParser.INVALID, TimestampParser.toMicros(new byte[1], EpochUnit.SECONDS));
  }

  @Test
  void unitsAreToldApartByMagnitude() {
    assertEquals(EpochUnit.SECONDS, EpochUnit.forMagnitude(1_700_000_000L));
    assertEquals(EpochUnit.MILLIS, EpochUnit.forMagnitude(1_700_000_000_000L));
    assertEquals(EpochUnit.MICROS, EpochUnit.forMagnitude(1_700_000_000_000_000L));
    assertEquals(EpochUnit.NANOS, EpochUnit.forMagnitude(1_700_000_000_000_000_000L));
  }

  /** Seeded property: any instant in 1..9999 printed with an offset parses back exactly. */
  @Test
  void roundTripsRandomInstantsWithOffsets() {
    Random random = new Random(20261122);
    for (int i = 0; i < 20_000; i++) {
      long seconds =
          -62_135_596_800L
              + 86_400L
              + (long) (random.nextDouble() * (253_402_300_799L + 62_135_596_800L - 2 * 86_400L));
      int micros = random.nextInt(1_000_000);
      ZoneOffset offset = ZoneOffset.ofTotalSeconds(60 * (random.nextInt(18 * 60 * 2) - 18 * 60));
      OffsetDateTime t = Instant.ofEpochSecond(seconds, micros * 1000L).atOffset(offset);
      String text = t.toString().replace('T', random.nextBoolean() ? 'T' : ' ');
      assertEquals(seconds * 1_000_000L + micros, TimestampParser.parseIso(text), text);
    }
  }
}
