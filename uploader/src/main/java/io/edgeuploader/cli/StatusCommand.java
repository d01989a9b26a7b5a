package io.edgeuploader.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgeuploader.Uploader;
import io.edgeuploader.Uploaders;
import io.edgeuploader.config.UploaderConfig;
import io.edgeuploader.cursor.Cursor;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Show the source table, the cursor, the Delta table's version and row count, and"
            + " how many rows wait to be uploaded. Writes nothing.")
final class StatusCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;
  @Mixin LogOptions debug;

  @Option(
      names = "--json",
      description = "Print one JSON object (one line per table) instead of text.")
  boolean json;

  @Override
  public Integer call() {
    List<UploaderConfig> configs = options.load();
    try (Uploaders uploaders = Uploaders.open(configs, System.getenv())) {
      for (int i = 0; i < configs.size(); i++) {
        if (i > 0 && !json) System.out.println();
        print(uploaders.list().get(i), configs.get(i));
      }
      return 0;
    }
  }

  private void print(Uploader uploader, UploaderConfig config) {
    Uploader.Progress p = uploader.progress();
    Cursor c = p.cursor();
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("table", uploader.table().name());
    o.put("timestamp_column", uploader.table().timestamp().name());
    if (c.hasWatermark()) o.put("watermark", c.watermarkText());
    else o.putNull("watermark");
    o.put("cursor_rowid", c.rowid());
    o.put("delta_version", p.snapshot().map(s -> s.getVersion()).orElse(-1L));
    o.put("delta_rows", p.deltaRows());
    o.put("pending_rows", p.pendingRows());
    o.put("uploaded_rows", c.rows());
    o.put("sqlite", config.sqlite().toString());
    o.put("table_path", uploader.sink().tablePath());
    o.put("node_id", config.nodeId());
    o.put("source_id", uploader.appId());
    if (json) {
      System.out.println(o.toString());
    } else {
      int width = 18;
      o.fields()
          .forEachRemaining(
              e ->
                  System.out.printf(
                      "%-" + width + "s %s%n",
                      e.getKey() + ":",
                      e.getValue().isTextual() ? e.getValue().asText() : e.getValue()));
    }
  }
}
