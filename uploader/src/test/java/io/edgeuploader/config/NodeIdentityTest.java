package io.edgeuploader.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir Path dir;

  private DaemonConfig load(Map<String, String> env) {
    return ConfigLoader.load(
        Optional.empty(),
        env,
        Map.of(
            ConfigKey.SQLITE, "a.db",
            ConfigKey.TABLE_PATH, "t",
            ConfigKey.STATE_DIR, dir.toString()));
  }

  @Test
  void theFirstDerivedIdIsKeptAndOutlivesAHostRename() {
    DaemonConfig first = load(Map.of("HOSTNAME", "c0ffee123456"));
    assertEquals("c0ffee123456", first.nodeId());
    assertEquals(NodeIdentity.Source.HOST_NAME, first.nodeIdSource());
    NodeIdentity.keep(first);
    // The container is recreated: a new host name, the same state directory.
    DaemonConfig again = load(Map.of("HOSTNAME", "deadbeef9876"));
    assertEquals("c0ffee123456", again.nodeId());
    assertEquals(NodeIdentity.Source.STATE_DIR, again.nodeIdSource());
  }

  @Test
  void bacalhausNodeIdComesBeforeTheHostNameAndAConfiguredIdBeforeAll() {
    DaemonConfig bacalhau = load(Map.of("HOSTNAME", "c0ffee", "BACALHAU_NODE_ID", "n-7f3a"));
    assertEquals("n-7f3a", bacalhau.nodeId());
    assertEquals(NodeIdentity.Source.BACALHAU, bacalhau.nodeIdSource());
    NodeIdentity.keep(bacalhau);
    DaemonConfig configured = load(Map.of("NODE_ID", "edge-17", "BACALHAU_NODE_ID", "n-7f3a"));
    assertEquals("edge-17", configured.nodeId());
    assertEquals(NodeIdentity.Source.CONFIGURED, configured.nodeIdSource());
  }
}
