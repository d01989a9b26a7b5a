package io.edgeuploader.sink;

import io.edgeuploader.sink.StoreFailure.Kind;
import io.edgeuploader.sink.StoreFailure.Verdict;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/** Hadoop S3A settings from the AWS environment variables, as AWS tools read them. */
final class S3Settings {
  private S3Settings() {}

  static void apply(Configuration conf, Map<String, String> env) {
    // The AWS SDK's default chain: environment, system properties, web identity (assumed roles
    // on Kubernetes/EKS), profiles, container and instance roles. Keys given in env go first so
    // that an environment passed explicitly (not the process's own) is honoured too.
    String defaultChain = "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider";
    String key = first(env, "AWS_ACCESS_KEY_ID");
    String secret = first(env, "AWS_SECRET_ACCESS_KEY");
    String token = first(env, "AWS_SESSION_TOKEN");
    if (key != null && secret != null) {
      conf.set("fs.s3a.access.key", key);
      conf.set("fs.s3a.secret.key", secret);
      if (token != null) conf.set("fs.s3a.session.token", token);
      String explicit =
          token != null
              ? "org.apache.hadoop.fs.s3a.TemporaryAWSCredentialsProvider"
              : "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider";
      conf.set("fs.s3a.aws.credentials.provider", explicit + "," + defaultChain);
    } else {
      conf.set("fs.s3a.aws.credentials.provider", defaultChain);
    }
    String region = first(env, "AWS_REGION", "AWS_DEFAULT_REGION");
    String endpoint = first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
    if (endpoint != null) {
      // An S3-compatible store (MinIO, S3Proxy, Ceph...): path-style addressing, its own TLS.
      conf.set("fs.s3a.endpoint", endpoint);
      conf.setBoolean("fs.s3a.path.style.access", true);
      conf.setBoolean("fs.s3a.connection.ssl.enabled", endpoint.startsWith("https"));
      if (region == null) region = "us-east-1";
    }
    if (region != null) conf.set("fs.s3a.endpoint.region", region);
    // Skip the bucket-exists probe: one request less at start, and a missing bucket still fails
    // with a clear error at the first read.
    conf.set("fs.s3a.bucket.probe", "0");
    // Fail a pass within seconds during an outage; the upload loop retries with its own backoff.
    // The SDK still tries each request twice (a blip); S3A's own retries, which sleep between
    // attempts, are off (measured: an endpoint refusing connections failed 'once' in 31 s with
    // them at 2, each call taking 2 s inside Kernel's three tries of _last_checkpoint).
    conf.set("fs.s3a.retry.limit", "0");
    conf.set("fs.s3a.retry.interval", "250ms");
    conf.set("fs.s3a.attempts.maximum", "2");
    conf.set("fs.s3a.connection.establish.timeout", "15s"); // the least S3A accepts
    conf.set("fs.s3a.connection.timeout", "30s");
    for (String scheme : new String[] {"s3", "s3a", "s3n"}) {
      conf.set(
          "io.delta.kernel.logStore." + scheme + ".impl", S3ConditionalLogStore.class.getName());
    }
  }

  static String credentialSource(Map<String, String> env) {
    String where = first(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
    String suffix = where == null ? "" : " for endpoint " + where;
    if (env.containsKey("AWS_ACCESS_KEY_ID")) {
      return "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment" + suffix;
    }
    if (env.containsKey("AWS_WEB_IDENTITY_TOKEN_FILE")) return "the web identity role" + suffix;
    if (env.containsKey("AWS_PROFILE")) return "AWS profile " + env.get("AWS_PROFILE") + suffix;
    return "the AWS default credential chain: environment, profile, web identity or instance role"
        + suffix;
  }

  /**
   * S3's answers: refused signatures and keys, missing credentials and buckets are a person's to
   * fix; throttling is an outage.
   */
  static Optional<Verdict> judge(Throwable t, String m) {
    if (m.contains("NoAuthWithAWSException") || m.contains("Unable to load credentials")) {
      return Verdict.of(
          Kind.REFUSED, "check the credentials ({credentials})", "no AWS credentials");
    }
    if (m.contains("SignatureDoesNotMatch")
        || m.contains("signature we calculated does not match")
        || m.contains("InvalidAccessKeyId")
        || t instanceof java.nio.file.AccessDeniedException) {
      return Verdict.of(Kind.REFUSED, "check the credentials ({credentials})");
    }
    if (t instanceof org.apache.hadoop.fs.FileAlreadyExistsException
        || m.contains("Status Code: 412")
        || m.contains("PreconditionFailed")
        || m.contains("Precondition Failed")) {
      return Verdict.of(Kind.LOST_RACE, "another writer took the version");
    }
    if (m.contains("NoSuchBucket")
        || t.getClass().getSimpleName().equals("UnknownStoreException")) {
      return Verdict.of(
          Kind.MISCONFIGURED, "no such bucket: create it or fix --table-path / TABLE_PATH");
    }
    if (m.contains("SlowDown") || m.contains("ServiceUnavailable") || m.contains("InternalError")) {
      return Verdict.of(Kind.OUTAGE, "the rows wait in SQLite");
    }
    return Optional.empty();
  }

  private static String first(Map<String, String> env, String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) return v;
    }
    return null;
  }
}
