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
 * @param columns a signature of the SQLite columns when the anchor was taken: fingerprints are only
 *     comparable while the columns stay the same
 */
public record Cursor(
    long seq, long rowid, long anchor, long watermarkMicros, long rows, long columns) {
  public static final Cursor START = new Cursor(0, 0, 0, Long.MIN_VALUE, 0, 0);
  private static final ObjectMapper JSON = new ObjectMapper();

  public Cursor next(
      long newRowid, long newAnchor, long maxTimestampMicros, long newRows, long newColumns) {
    return new Cursor(
        seq + 1,
        newRowid,
        newAnchor,
        Math.max(watermarkMicros, maxTimestampMicros),
        rows + newRows,
        newColumns);
  }

  /** The same progress, with the rowid lowered to where the source's surviving rows end. */
  public Cursor rebasedTo(long survivorRowid, long survivorAnchor) {
    return new Cursor(seq, survivorRowid, survivorAnchor, watermarkMicros, rows, columns);
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
    n.put("columns", columns);
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
        n.path("columns").asLong(0));
  }

  /** The watermark as ISO-8601 UTC, or "none". */
  public String watermarkText() {
    if (!hasWatermark()) return "none";
    long micros = watermarkMicros();
    return java.time.Instant.ofEpochSecond(
            Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L)
        .toString();
  }
}
