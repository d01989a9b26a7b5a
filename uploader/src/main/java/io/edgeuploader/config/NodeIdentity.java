package io.edgeuploader.config;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who this node is when {@code node_id} is not given. The node id names the source in the table's
 * progress markers, so a default that changes (a container's host name is new each time it is
 * recreated) would make the uploader start the same database again as a new source. So the first id
 * a node derives is kept in its state directory and wins afterwards: Bacalhau's node id where the
 * job runs under Bacalhau, else the host name.
 */
public final class NodeIdentity {
  private static final Logger log = LoggerFactory.getLogger(NodeIdentity.class);

  /** The file in the state directory that keeps a derived id. */
  public static final String FILE = "node-id";

  /** Where the node id came from. */
  public enum Source {
    /** node_id given by flag, environment or file. */
    CONFIGURED("configured"),
    /** Kept in the state directory by an earlier run. */
    STATE_DIR("state_dir"),
    /** BACALHAU_NODE_ID, set by Bacalhau in a job's environment. */
    BACALHAU("bacalhau"),
    /** The host name (HOSTNAME, or the system's). */
    HOST_NAME("host_name");

    public final String text;

    Source(String text) {
      this.text = text;
    }

    /** Whether the id was derived here and should be kept for next time. */
    public boolean derived() {
      return this == BACALHAU || this == HOST_NAME;
    }
  }

  /** An id and its source. */
  public record Resolved(String id, Source source) {}

  private NodeIdentity() {}

  static Resolved resolve(Optional<String> configured, Path stateDir, Map<String, String> env) {
    if (configured.isPresent()) return new Resolved(configured.get(), Source.CONFIGURED);
    Optional<String> kept = kept(stateDir);
    if (kept.isPresent()) return new Resolved(kept.get(), Source.STATE_DIR);
    String bacalhau = env.get("BACALHAU_NODE_ID");
    if (bacalhau != null && !bacalhau.isBlank()) {
      return new Resolved(bacalhau.strip(), Source.BACALHAU);
    }
    return new Resolved(hostName(env), Source.HOST_NAME);
  }

  private static Optional<String> kept(Path stateDir) {
    try {
      String id = Files.readString(stateDir.resolve(FILE), StandardCharsets.UTF_8).strip();
      return id.isEmpty() ? Optional.empty() : Optional.of(id);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.warn("event=node_id_unreadable file={} error=\"{}\"", stateDir.resolve(FILE), e);
      return Optional.empty();
    }
  }

  /**
   * Keeps a derived id in the state directory (atomically), so that this node stays the same source
   * when its host name changes. A failure only warns: the id is derived the same way next time.
   */
  public static void keep(DaemonConfig config) {
    if (!config.nodeIdSource().derived()) return;
    Path file = config.stateDir().resolve(FILE);
    try {
      Files.createDirectories(config.stateDir());
      Path tmp = config.stateDir().resolve(FILE + ".tmp");
      Files.writeString(tmp, config.nodeId() + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      log.info(
          "event=node_id_kept node_id={} source={} file={}",
          config.nodeId(),
          config.nodeIdSource().text,
          file);
    } catch (IOException e) {
      log.warn("event=node_id_not_kept file={} error=\"{}\"", file, e.getMessage());
    }
  }

  private static String hostName(Map<String, String> env) {
    String name = env.get("HOSTNAME");
    if (name != null && !name.isBlank()) return name.strip();
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown-node";
    }
  }
}
