package io.edgeuploader;

import io.edgeuploader.sink.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * The files of a landing zone as an ingester sees them: every Parquet file under the path whose
 * name is not hidden (Spark and Auto Loader skip names starting with '.' or '_'), read with
 * parquet-mr's own reader. Longs, doubles and strings come back as such.
 */
public final class LandedFiles {
  private final String root;
  private final Configuration conf;

  public LandedFiles(String landingPath, Map<String, String> env) {
    this.root = Storage.normalize(landingPath);
    this.conf = Storage.configurationFor(root, env, Map.of());
  }

  /** The visible data files, by path. */
  public List<Path> files() {
    List<Path> files = new ArrayList<>();
    try {
      Path path = new Path(root);
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) return files;
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(path, true);
      while (it.hasNext()) {
        Path p = it.next().getPath();
        if (visible(path, p) && p.getName().endsWith(".parquet")) files.add(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static boolean visible(Path root, Path p) {
    for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
      if (q.getName().startsWith(".") || q.getName().startsWith("_")) return false;
    }
    return true;
  }

  public List<Map<String, Object>> rows() {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Path file : files()) {
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) rows.add(row(g));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return rows;
  }

  private static Map<String, Object> row(Group g) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (int f = 0; f < g.getType().getFieldCount(); f++) {
      Type type = g.getType().getType(f);
      if (g.getFieldRepetitionCount(f) == 0) {
        row.put(type.getName(), null);
        continue;
      }
      PrimitiveType.PrimitiveTypeName p = type.asPrimitiveType().getPrimitiveTypeName();
      row.put(
          type.getName(),
          switch (p) {
            case INT64 -> g.getLong(f, 0);
            case INT32 -> g.getInteger(f, 0);
            case DOUBLE -> g.getDouble(f, 0);
            case BOOLEAN -> g.getBoolean(f, 0);
            default -> g.getString(f, 0);
          });
    }
    return row;
  }
}
