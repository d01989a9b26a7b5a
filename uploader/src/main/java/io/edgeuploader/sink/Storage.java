package io.edgeuploader.sink;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * Turns a table location into what Kernel needs to reach it: a normalised path and a Hadoop
 * configuration (file system settings, credentials, the commit log store). Local disk, S3 and ADLS
 * differ only here; credentials come from the environment and the clouds' standard chains.
 */
public final class Storage {
  /** Where the table lives. */
  public enum Kind {
    LOCAL,
    S3,
    AZURE
  }

  private Storage() {}

  /** {@code s3://} becomes {@code s3a://}; a URI otherwise stays; a local path is made absolute. */
  public static String normalize(String tablePath) {
    String scheme = scheme(tablePath);
    if (scheme == null) return Path.of(tablePath).toAbsolutePath().normalize().toString();
    if (scheme.equals("s3") || scheme.equals("s3n")) {
      return "s3a" + tablePath.substring(scheme.length());
    }
    return tablePath;
  }

  public static Kind kind(String tablePath) {
    String scheme = scheme(tablePath);
    if (scheme == null || scheme.equals("file")) return Kind.LOCAL;
    if (scheme.startsWith("s3")) return Kind.S3;
    if (scheme.equals("abfs") || scheme.equals("abfss")) return Kind.AZURE;
    throw new IllegalArgumentException(scheme);
  }

  public static String scheme(String s) {
    try {
      String scheme = new URI(s).getScheme();
      // "C:" is a Windows drive, not a scheme
      return scheme == null || scheme.length() < 2 ? null : scheme.toLowerCase(Locale.ROOT);
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  /**
   * @param env the environment the credentials and endpoints come from
   * @param options extra Hadoop settings from the config file's {@code storage_options}, applied
   *     last so they can override anything
   */
  public static Configuration configurationFor(
      String tablePath, Map<String, String> env, Map<String, String> options) {
    // Defaults loaded: Hadoop's file systems need keys such as hadoop.tmp.dir.
    Configuration conf = new Configuration();
    // Kernel's writer leaves Parquet uncompressed unless told; ZSTD costs the same CPU as
    // Snappy here and gives files 2.5-3x smaller.
    conf.set("parquet.compression", "ZSTD");
    switch (kind(tablePath)) {
      case LOCAL -> LocalSettings.apply(conf);
      case S3 -> S3Settings.apply(conf, env);
      case AZURE -> AzureSettings.apply(conf, URI.create(tablePath), env);
    }
    options.forEach(conf::set);
    return conf;
  }

  /** Where the credentials for this location come from, for error messages (never the secret). */
  public static String credentialSource(String tablePath, Map<String, String> env) {
    return switch (kind(tablePath)) {
      case LOCAL -> "the file system permissions";
      case S3 -> S3Settings.credentialSource(env);
      case AZURE -> AzureSettings.credentialSource(env);
    };
  }
}
