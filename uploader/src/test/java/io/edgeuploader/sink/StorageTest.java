package io.edgeuploader.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StorageTest {
  @Test
  void locationsAreNormalised() {
    assertEquals("s3a://bucket/t", Storage.normalize("s3://bucket/t"));
    assertEquals("s3a://bucket/t", Storage.normalize("s3a://bucket/t"));
    assertEquals(Storage.Kind.S3, Storage.kind("s3://b/t"));
    assertEquals(Storage.Kind.AZURE, Storage.kind("abfss://c@a.dfs.core.windows.net/t"));
    assertEquals(Storage.Kind.LOCAL, Storage.kind("relative/table"));
    assertEquals(Storage.Kind.LOCAL, Storage.kind("file:/tmp/t"));
  }

  @Test
  void s3CompatibleEndpointsUsePathStyleAndTheConditionalLogStore() {
    var conf =
        Storage.configurationFor(
            "s3a://b/t",
            Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:9000", "AWS_REGION", "eu-west-1"),
            Map.of());
    assertEquals("http://127.0.0.1:9000", conf.get("fs.s3a.endpoint"));
    assertEquals("true", conf.get("fs.s3a.path.style.access"));
    assertEquals("false", conf.get("fs.s3a.connection.ssl.enabled"));
    assertEquals("eu-west-1", conf.get("fs.s3a.endpoint.region"));
    assertEquals(
        S3ConditionalLogStore.class.getName(), conf.get("io.delta.kernel.logStore.s3a.impl"));
    assertEquals(
        "software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider",
        conf.get("fs.s3a.aws.credentials.provider"));
    assertNull(conf.get("fs.s3a.access.key"));
  }

  @Test
  void anAzuriteConnectionStringPointsAbfsAtTheEmulator() {
    var conf =
        Storage.configurationFor(
            "abfs://c@devstoreaccount1.dfs.core.windows.net/t",
            Map.of(
                "AZURE_STORAGE_CONNECTION_STRING",
                "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;"
                    + "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"),
            Map.of());
    assertEquals("SharedKey", conf.get("fs.azure.account.auth.type"));
    assertEquals("a2V5", conf.get("fs.azure.account.key.devstoreaccount1.dfs.core.windows.net"));
    assertEquals("127.0.0.1:10000", conf.get("fs.azure.abfs.endpoint"));
    assertEquals("false", conf.get("fs.azure.always.use.https"));
    assertEquals("BLOB", conf.get("fs.azure.fns.account.service.type"));
  }

  @Test
  void azureFallsBackFromKeysToServicePrincipalToManagedIdentity() {
    String table = "abfss://c@acct.dfs.core.windows.net/t";
    var sp =
        Storage.configurationFor(
            table,
            Map.of("AZURE_CLIENT_ID", "id", "AZURE_TENANT_ID", "tn", "AZURE_CLIENT_SECRET", "s"),
            Map.of());
    assertEquals(
        "org.apache.hadoop.fs.azurebfs.oauth2.ClientCredsTokenProvider",
        sp.get("fs.azure.account.oauth.provider.type"));
    assertEquals(
        "https://login.microsoftonline.com/tn/oauth2/token",
        sp.get("fs.azure.account.oauth2.client.endpoint"));
    var msi = Storage.configurationFor(table, Map.of(), Map.of());
    assertEquals(
        "org.apache.hadoop.fs.azurebfs.oauth2.MsiTokenProvider",
        msi.get("fs.azure.account.oauth.provider.type"));
    assertEquals("the machine's managed identity", Storage.credentialSource(table, Map.of()));
  }

  @Test
  void storageOptionsOverrideEverything() {
    var conf =
        Storage.configurationFor(
            "s3a://b/t", Map.of(), Map.of("fs.s3a.path.style.access", "true", "fs.s3a.x", "y"));
    assertEquals("true", conf.get("fs.s3a.path.style.access"));
    assertEquals("y", conf.get("fs.s3a.x"));
  }
}
