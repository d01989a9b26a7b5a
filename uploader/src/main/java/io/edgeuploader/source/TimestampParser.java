package io.edgeuploader.source;

/**
 * Turns the ways SQLite databases store time into microseconds since the epoch (UTC): ISO-8601 text
 * (with 'T' or a space, optional seconds, fraction and offset; no offset means UTC, as SQLite's own
 * date functions assume), integer epochs in a given unit, and REAL Julian day numbers. Written by
 * hand over the characters because java.time costs about a second per million rows here.
 */
public final class TimestampParser {
  /** Returned for a value that is not a timestamp; no valid timestamp has this value. */
  public static final long INVALID = Long.MIN_VALUE;

  static final long MICROS_PER_DAY = 86_400_000_000L;

  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z, the range Delta readers accept. */
  static final long MIN_MICROS = -62_135_596_800_000_000L;

  static final long MAX_MICROS = 253_402_300_799_999_999L;

  private static final double JULIAN_DAY_OF_EPOCH = 2440587.5;
  private static final double MIN_JULIAN_DAY = 1721425.5;
  private static final double MAX_JULIAN_DAY = 5373484.5;

  private TimestampParser() {}

  static boolean inRange(long micros) {
    return micros >= MIN_MICROS && micros <= MAX_MICROS;
  }

  /**
   * Any SQLite value as a timestamp: text is ISO-8601 or a number, integers are epochs in {@code
   * unit}, reals are Julian days when in the Julian range and epochs otherwise.
   */
  public static long toMicros(Object value, EpochUnit unit) {
    if (value instanceof Long l) return unit.toMicros(l);
    if (value instanceof Double d) return realToMicros(d, unit);
    if (value instanceof String s) return textToMicros(s, unit);
    return INVALID;
  }

  static long realToMicros(double d, EpochUnit unit) {
    if (d >= MIN_JULIAN_DAY && d < MAX_JULIAN_DAY) {
      return Math.round((d - JULIAN_DAY_OF_EPOCH) * MICROS_PER_DAY);
    }
    return unit.toMicros(d);
  }

  static long textToMicros(String s, EpochUnit unit) {
    long iso = parseIso(s);
    if (iso != INVALID) return iso;
    String t = s.trim();
    if (t.isEmpty() || t.length() > 24) return INVALID;
    try {
      if (t.matches("-?\\d+")) return unit.toMicros(Long.parseLong(t));
      if (t.matches("-?\\d+\\.\\d*")) return realToMicros(Double.parseDouble(t), unit);
    } catch (NumberFormatException e) {
      return INVALID;
    }
    return INVALID;
  }

  /** Days since the epoch for 'YYYY-MM-DD' text, or {@link #INVALID}. */
  public static long parseIsoDate(String s) {
    long micros = parseIso(s);
    if (micros == INVALID || Math.floorMod(micros, MICROS_PER_DAY) != 0) return INVALID;
    return Math.floorDiv(micros, MICROS_PER_DAY);
  }

  /** ISO-8601 date or date-time text as micros since the epoch, or {@link #INVALID}. */
  public static long parseIso(String s) {
    int n = s.length();
    if (n < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') return INVALID;
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return INVALID;
    }
    long micros = daysFromCivil(year, month, day) * MICROS_PER_DAY;
    int i = 10;
    if (i < n && (s.charAt(i) == 'T' || s.charAt(i) == 't' || s.charAt(i) == ' ')) {
      if (i + 6 > n || s.charAt(i + 3) != ':') return INVALID;
      int hour = digits(s, i + 1, 2);
      int minute = digits(s, i + 4, 2);
      if (hour < 0 || hour > 23 || minute < 0 || minute > 59) return INVALID;
      micros += (hour * 3600L + minute * 60L) * 1_000_000L;
      i += 6;
      if (i < n && s.charAt(i) == ':') {
        int second = i + 3 <= n ? digits(s, i + 1, 2) : -1;
        if (second < 0 || second > 59) return INVALID;
        micros += second * 1_000_000L;
        i += 3;
        if (i < n && (s.charAt(i) == '.' || s.charAt(i) == ',')) {
          i++;
          int start = i;
          long fraction = 0;
          while (i < n && Character.isDigit(s.charAt(i))) {
            if (i - start < 6) fraction = fraction * 10 + (s.charAt(i) - '0');
            i++;
          }
          if (i == start || i - start > 9) return INVALID;
          for (int k = i - start; k < 6; k++) fraction *= 10;
          micros += fraction;
        }
      }
      if (i < n) {
        char c = s.charAt(i);
        if (c == 'Z' || c == 'z') {
          i++;
        } else if (c == '+' || c == '-') {
          int offsetMinutes = offsetMinutes(s, i + 1);
          if (offsetMinutes < 0) return INVALID;
          micros -= (c == '+' ? 1 : -1) * offsetMinutes * 60_000_000L;
          i = n;
        }
      }
    }
    while (i < n && s.charAt(i) == ' ') i++;
    if (i != n) return INVALID;
    return inRange(micros) ? micros : INVALID;
  }

  /** HH, HHMM or HH:MM at {@code at} to the end of the text, or -1. */
  private static int offsetMinutes(String s, int at) {
    String rest = s.substring(at).trim();
    int hours;
    int minutes = 0;
    if (rest.length() == 2) {
      hours = digits(rest, 0, 2);
    } else if (rest.length() == 4) {
      hours = digits(rest, 0, 2);
      minutes = digits(rest, 2, 2);
    } else if (rest.length() == 5 && rest.charAt(2) == ':') {
      hours = digits(rest, 0, 2);
      minutes = digits(rest, 3, 2);
    } else {
      return -1;
    }
    if (hours < 0 || hours > 18 || minutes < 0 || minutes > 59) return -1;
    return hours * 60 + minutes;
  }

  private static int digits(String s, int from, int count) {
    if (from + count > s.length()) return -1;
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil-days algorithm). */
  static long daysFromCivil(long year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    long era = Math.floorDiv(year, 400);
    long yearOfEra = year - era * 400;
    long dayOfYear = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
  }
}
