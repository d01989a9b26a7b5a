package io.edgeuploader.mapping;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;

/**
 * The {@code _rescued_data} JSON of one row: each value that could not be written to its typed
 * column (or whose column the Delta table does not have) under its column name, as SQLite held it.
 * Text and numbers are JSON strings and numbers; non-finite reals are strings ("NaN", "Infinity");
 * a BLOB is {"base64": "..."}.
 */
final class RescuedValues {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ObjectNode node;

  void add(String column, Object value) {
    if (node == null) node = JsonNodeFactory.instance.objectNode();
    if (value instanceof Long l) {
      node.put(column, l);
    } else if (value instanceof Double d) {
      if (Double.isFinite(d)) node.put(column, d);
      else node.put(column, d.toString());
    } else if (value instanceof io.edgeuploader.source.InvalidText t) {
      node.putObject(column)
          .put("invalid_utf8_base64", Base64.getEncoder().encodeToString(t.bytes()));
    } else if (value instanceof byte[] b) {
      node.putObject(column).put("base64", Base64.getEncoder().encodeToString(b));
    } else {
      node.put(column, String.valueOf(value));
    }
  }

  boolean isEmpty() {
    return node == null;
  }

  /** The JSON text, and resets for the next row. */
  String take() {
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    } finally {
      node = null;
    }
  }
}
