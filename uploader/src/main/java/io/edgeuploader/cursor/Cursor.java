package io.edgeuploader.cursor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * How far one source has been uploaded. It is committed in the same Delta commit as the rows it
 * covers (as domain metadata, next to a {@code txn} action whose version is {@link #seq}), so the
 * table itself always says exactly what it holds.
 *
 * @param seq how many commits this source has made; the {@code txn} version of the last one
 * @param rowid every row with a rowid up to this one has been uploaded
 * @param anchor the fingerprint of the row at {@code rowid} when it was uploaded: if that row is
 *     gone or changed, the application deleted uploaded rows and rowids may have been reused
 * @param watermarkMicros the newest timestamp uploaded, or Long.MIN_VALUE
 * @param rows how many rows this source has uploaded in all
 * @param columnSignature a signature of the SQLite columns (key {@code columns} in the JSON) when
 *     the anchor was taken: fingerprints are only comparable while the columns stay the same
 * @param committedAtMicros when the commit that made this cursor began, or 0 if not known (cursors
 *     committed before release 0.2 do not say)
 * @param anchorTimeMicros the timestamp of the row at {@code rowid} when it was uploaded, or
 *     Long.MIN_VALUE if it had none (or the cursor is from before release 0.2): an update keeps it,
 *     a new row that took the rowid does not
 */
public record Cursor(
    long seq,
    long rowid,
    long anchor,
    long watermarkMicros,
    long rows,
    long columnSignature,
    long committedAtMicros,
    long anchorTimeMicros) {
  public static final Cursor START = new Cursor(0, 0, 0, Long.MIN_VALUE, 0, 0, 0, Long.MIN_VALUE);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The cursor after {@code newRows} more rows, the last of them at {@code newRowid} with the
   * fingerprint {@code newAnchor} and the time {@code newAnchorTime} (Long.MIN_VALUE if none).
   */
  public Cursor next(
      long newRowid,
      long newAnchor,
      long newAnchorTime,
      long maxTimestampMicros,
      long newRows,
      long newColumnSignature,
      long nowMicros) {
    return new Cursor(
        seq + 1,
        newRowid,
        newAnchor,
        Math.max(watermarkMicros, maxTimestampMicros),
        rows + newRows,
        newColumnSignature,
        nowMicros,
        newAnchorTime);
  }

  /** The same progress, with the rowid moved to where the source's uploaded rows end. */
  public Cursor rebasedTo(long survivorRowid, long survivorAnchor) {
    return new Cursor(
        seq,
        survivorRowid,
        survivorAnchor,
        watermarkMicros,
        rows,
        columnSignature,
        committedAtMicros,
        survivorRowid == rowid ? anchorTimeMicros : Long.MIN_VALUE);
  }

  public boolean hasAnchorTime() {
    return anchorTimeMicros != Long.MIN_VALUE;
  }

  public boolean hasWatermark() {
    return watermarkMicros != Long.MIN_VALUE;
  }

  public String toJson() {
    return toNode().toString();
  }

  ObjectNode toNode() {
    ObjectNode n = JSON.createObjectNode();
    n.put("seq", seq);
    n.put("rowid", rowid);
    n.put("anchor", anchor);
    if (hasWatermark()) n.put("watermark_micros", watermarkMicros);
    n.put("rows", rows);
    n.put("columns", columnSignature);
    if (committedAtMicros != 0) n.put("committed_at_micros", committedAtMicros);
    if (hasAnchorTime()) n.put("anchor_time_micros", anchorTimeMicros);
    return n;
  }

  public static Cursor fromJson(String json) {
    try {
      return fromNode(JSON.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Cursor fromNode(JsonNode n) {
    if (n == null || !n.hasNonNull("seq") || !n.hasNonNull("rowid")) {
      throw new IllegalArgumentException("not an uploader cursor: " + n);
    }
    return new Cursor(
        n.get("seq").asLong(),
        n.get("rowid").asLong(),
        n.path("anchor").asLong(0),
        n.hasNonNull("watermark_micros") ? n.get("watermark_micros").asLong() : Long.MIN_VALUE,
        n.path("rows").asLong(0),
        n.path("columns").asLong(0),
        n.path("committed_at_micros").asLong(0),
        n.hasNonNull("anchor_time_micros") ? n.get("anchor_time_micros").asLong() : Long.MIN_VALUE);
  }

  /** The watermark as ISO-8601 UTC, or "none". */
  public String watermarkText() {
    return hasWatermark() ? instant(watermarkMicros).toString() : "none";
  }

  /** When the commit that made this cursor began, if known. */
  public java.util.Optional<java.time.Instant> committedAt() {
    return committedAtMicros == 0
        ? java.util.Optional.empty()
        : java.util.Optional.of(instant(committedAtMicros));
  }

  static java.time.Instant instant(long micros) {
    return java.time.Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
  }
}
