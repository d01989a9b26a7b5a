package io.edgeuploader.config;

import io.edgeuploader.ExitCode;
import io.edgeuploader.UserError;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/** The YAML config file: its keys, its storage_options and its tables: list, checked as read. */
final class ConfigFile {
  static final String STORAGE_OPTIONS = "storage_options";
  static final String TABLES = "tables";

  /** The keys an entry of {@code tables:} may have: what differs from one table to the next. */
  static final List<ConfigKey> PER_TABLE =
      List.of(
          ConfigKey.TABLE,
          ConfigKey.TIMESTAMP_COLUMN,
          ConfigKey.TABLE_PATH,
          ConfigKey.LANDING_PATH);

  private ConfigFile() {}

  /**
   * The file's keys (a list key's sequence joined with commas); its {@code storage_options} and
   * {@code tables:} entries go into the two collections given.
   */
  static Map<ConfigKey, String> read(
      Path file, Map<String, String> storageOptions, List<Map<ConfigKey, String>> tables) {
    Object doc;
    try (Reader reader = Files.newBufferedReader(file)) {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (NoSuchFileException e) {
      throw new UserError(
          ExitCode.CONFIG,
          "config file not found: " + file + " (check --config; 'example-config' prints one)");
    } catch (IOException e) {
      throw new UserError(ExitCode.CONFIG, "cannot read config file " + file + ": " + e, e);
    } catch (MarkedYAMLException e) {
      var mark = e.getProblemMark();
      throw new UserError(
          ExitCode.CONFIG,
          "config file "
              + file
              + " is not valid YAML at line "
              + (mark.getLine() + 1)
              + ", column "
              + (mark.getColumn() + 1)
              + ": "
              + e.getProblem(),
          e);
    } catch (YAMLException e) {
      throw new UserError(
          ExitCode.CONFIG, "config file " + file + " is not valid YAML: " + e.getMessage(), e);
    }
    if (doc == null) return Map.of();
    if (!(doc instanceof Map<?, ?> map)) {
      throw new UserError(
          ExitCode.CONFIG, "config file " + file + " must be a mapping of keys to values");
    }
    Map<ConfigKey, String> values = new EnumMap<>(ConfigKey.class);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (name.equals(STORAGE_OPTIONS)) {
        readStorageOptions(file, e.getValue(), storageOptions);
        continue;
      }
      if (name.equals(TABLES)) {
        readTables(file, e.getValue(), tables);
        continue;
      }
      ConfigKey key =
          ConfigKey.forYamlKey(name)
              .orElseThrow(
                  () ->
                      new UserError(
                          ExitCode.CONFIG,
                          "config file "
                              + file
                              + ": unknown key '"
                              + name
                              + "'"
                              + ConfigKey.closestYamlKey(name)
                                  .map(k -> " (did you mean '" + k + "'?)")
                                  .orElse("")
                              + "; 'example-config' lists every key"));
      Object value = e.getValue();
      if (key.list && value instanceof Iterable<?> items) {
        List<String> parts = new ArrayList<>();
        for (Object item : items) parts.add(String.valueOf(item));
        value = String.join(",", parts);
      }
      if (value instanceof Map || value instanceof Iterable) {
        throw new UserError(
            ExitCode.CONFIG, "config file " + file + ": key '" + name + "' takes a single value");
      }
      if (value != null) values.put(key, String.valueOf(value));
    }
    return values;
  }

  private static void readTables(Path file, Object value, List<Map<ConfigKey, String>> into) {
    if (value == null) return;
    String usage =
        "config file "
            + file
            + ": '"
            + TABLES
            + "' must be a list of mappings with 'table', 'table_path' (or 'landing_path') and"
            + " optionally 'timestamp_column'";
    if (!(value instanceof List<?> entries)) throw new UserError(ExitCode.CONFIG, usage);
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> fields)) throw new UserError(ExitCode.CONFIG, usage);
      Map<ConfigKey, String> table = new EnumMap<>(ConfigKey.class);
      for (Map.Entry<?, ?> f : fields.entrySet()) {
        String name = String.valueOf(f.getKey());
        Optional<ConfigKey> key = ConfigKey.forYamlKey(name).filter(PER_TABLE::contains);
        if (key.isEmpty() || f.getValue() instanceof Map || f.getValue() instanceof Iterable) {
          throw new UserError(ExitCode.CONFIG, usage + " ('" + name + "' is not one of them)");
        }
        if (f.getValue() != null) table.put(key.get(), String.valueOf(f.getValue()).trim());
      }
      into.add(table);
    }
  }

  /** The escape hatch: Hadoop file system settings, passed through as they are. */
  private static void readStorageOptions(Path file, Object value, Map<String, String> into) {
    if (value == null) return;
    if (!(value instanceof Map<?, ?> options)) {
      throw new UserError(
          ExitCode.CONFIG,
          "config file "
              + file
              + ": '"
              + STORAGE_OPTIONS
              + "' must be a mapping of Hadoop fs.*"
              + " settings to values");
    }
    for (Map.Entry<?, ?> o : options.entrySet()) {
      String key = String.valueOf(o.getKey());
      if (!key.startsWith("fs.")
          || o.getValue() instanceof Map
          || o.getValue() instanceof Iterable) {
        throw new UserError(
            ExitCode.CONFIG,
            "config file "
                + file
                + ": '"
                + STORAGE_OPTIONS
                + "' takes Hadoop settings whose"
                + " names start with 'fs.' and single values; '"
                + key
                + "' is not one");
      }
      into.put(key, String.valueOf(o.getValue()));
    }
  }
}
