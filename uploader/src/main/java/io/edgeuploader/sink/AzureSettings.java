package io.edgeuploader.sink;

import io.edgeuploader.sink.StoreFailure.Kind;
import io.edgeuploader.sink.StoreFailure.Verdict;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;

/**
 * Hadoop ABFS settings from the Azure environment variables: a connection string (whose endpoint
 * overrides the public one, which is how the Azurite emulator is reached), an account key, a SAS
 * token, a service principal, or else the managed identity of the machine.
 */
final class AzureSettings {
  private AzureSettings() {}

  static void apply(Configuration conf, URI table, Map<String, String> env) {
    Map<String, String> cs = connectionString(env.get("AZURE_STORAGE_CONNECTION_STRING"));
    String host = table.getHost(); // <account>.dfs.core.windows.net
    String account = cs.getOrDefault("accountname", env.get("AZURE_STORAGE_ACCOUNT"));
    String key = cs.getOrDefault("accountkey", env.get("AZURE_STORAGE_KEY"));
    String sas = cs.getOrDefault("sharedaccesssignature", env.get("AZURE_STORAGE_SAS_TOKEN"));
    conf.setBoolean("fs.azure.createRemoteFileSystemDuringInitialization", true);
    // ABFS retries 30 times by default, minutes during an outage; fail the pass in seconds
    // instead and let the upload loop back off.
    conf.setInt("fs.azure.io.retry.max.retries", 3);
    if (key != null) {
      conf.set("fs.azure.account.auth.type", "SharedKey");
      conf.set("fs.azure.account.key." + host, key);
      if (account != null) {
        conf.set("fs.azure.account.key." + account + ".dfs.core.windows.net", key);
      }
    } else if (sas != null) {
      conf.set("fs.azure.account.auth.type", "SAS");
      conf.set("fs.azure.sas.fixed.token", sas.startsWith("?") ? sas.substring(1) : sas);
    } else if (env.get("AZURE_CLIENT_SECRET") != null) {
      conf.set("fs.azure.account.auth.type", "OAuth");
      conf.set(
          "fs.azure.account.oauth.provider.type",
          "org.apache.hadoop.fs.azurebfs.oauth2.ClientCredsTokenProvider");
      conf.set("fs.azure.account.oauth2.client.id", env.getOrDefault("AZURE_CLIENT_ID", ""));
      conf.set("fs.azure.account.oauth2.client.secret", env.get("AZURE_CLIENT_SECRET"));
      conf.set(
          "fs.azure.account.oauth2.client.endpoint",
          "https://login.microsoftonline.com/"
              + env.getOrDefault("AZURE_TENANT_ID", "")
              + "/oauth2/token");
    } else {
      conf.set("fs.azure.account.auth.type", "OAuth");
      conf.set(
          "fs.azure.account.oauth.provider.type",
          "org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider");
      if (env.get("AZURE_TENANT_ID") != null) {
        conf.set("fs.azure.account.oauth2.msi.tenant", env.get("AZURE_TENANT_ID"));
      }
      if (env.get("AZURE_CLIENT_ID") != null) {
        conf.set("fs.azure.account.oauth2.client.id", env.get("AZURE_CLIENT_ID"));
      }
    }
    String blobEndpoint = cs.get("blobendpoint");
    if (blobEndpoint != null) {
      // An emulator such as Azurite serves only the Blob endpoint, on its own host and port.
      URI endpoint = URI.create(blobEndpoint);
      conf.set("fs.azure.abfs.endpoint", endpoint.getHost() + ":" + endpoint.getPort());
      conf.setBoolean("fs.azure.always.use.https", "https".equals(endpoint.getScheme()));
      conf.set("fs.azure.fns.account.service.type", "BLOB");
      conf.setBoolean("fs.azure.account.hns.enabled", false);
    }
  }

  static String credentialSource(Map<String, String> env) {
    if (env.get("AZURE_STORAGE_CONNECTION_STRING") != null) {
      return "AZURE_STORAGE_CONNECTION_STRING from the environment";
    }
    if (env.get("AZURE_STORAGE_KEY") != null) return "AZURE_STORAGE_KEY from the environment";
    if (env.get("AZURE_STORAGE_SAS_TOKEN") != null) {
      return "AZURE_STORAGE_SAS_TOKEN from the environment";
    }
    if (env.get("AZURE_CLIENT_SECRET") != null) {
      return "the service principal AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET";
    }
    return "the machine's managed identity";
  }

  /**
   * Azure's answers: authentication and authorisation failures, and a container that is not there,
   * are a person's to fix. ABFS reports a token it could not get (no managed identity, a refused
   * service principal) as an unreadable account setting, with the real cause only logged.
   */
  static Optional<Verdict> judge(Throwable t, String m) {
    if (m.contains("AuthenticationFailed")
        || m.contains("AuthorizationFailure")
        || m.contains("AuthorizationPermissionMismatch")
        || m.contains("Server failed to authenticate")
        || m.contains("Invalid configuration value detected for fs.azure.account.hns.enabled")
        || t.getClass().getSimpleName().equals("TokenAccessProviderException")) {
      return Verdict.of(Kind.REFUSED, "check the credentials ({credentials})");
    }
    if (m.contains("ContainerAlreadyExists")
        || m.contains("The specified container already exists")
        || m.contains("FilesystemAlreadyExists")) {
      // Nodes of a fleet starting together race to create the container: the losers retry.
      return Verdict.of(Kind.LOST_RACE, "another writer created the container at the same moment");
    }
    if (m.contains("ContainerNotFound") || m.contains("FilesystemNotFound")) {
      return Verdict.of(Kind.MISCONFIGURED, "no such container: create it or fix --table-path");
    }
    return Optional.empty();
  }

  /** Key=value pairs separated by ';', keys lower-cased. */
  static Map<String, String> connectionString(String text) {
    Map<String, String> out = new HashMap<>();
    if (text == null) return out;
    for (String part : text.split(";")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        out.put(part.substring(0, eq).trim().toLowerCase(Locale.ROOT), part.substring(eq + 1));
      }
    }
    return out;
  }
}
