package io.dekube.kubelet.images.cassandra;

import io.dekube.kubelet.images.zookeeper.ZooKeeperImage;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code gcr.io/google-samples/cassandra:v13} image of kube's tutorial "Deploying Cassandra with a StatefulSet"
 * (Cassandra 3.11.2): its {@code /run.sh} reads the environment ({@code CASSANDRA_SEEDS}, {@code
 * CASSANDRA_CLUSTER_NAME}, {@code CASSANDRA_DC}, {@code CASSANDRA_RACK}, {@code CASSANDRA_NUM_TOKENS}, {@code
 * MAX_HEAP_SIZE}, {@code POD_IP}), prints it, and starts a {@link CassandraNode} on the pod IP whose gossip finds
 * the other nodes through the seeds' DNS names; its log reads as Cassandra's start-up. The node's host ID and tokens
 * are kept in its data folder {@code /cassandra_data} (the StatefulSet's volume), so a re-created pod is the same
 * node at a new address. {@code nodetool status|drain|version} and {@code /ready-probe.sh} (ready once the node is
 * {@code UN} and its native transport listens) run by {@code kubectl exec} and the probes and hooks. There is no
 * CQL engine: port 9042 listens but answers every request with an error ({@link NativeTransport}); no data is
 * stored or streamed. SIGTERM announces the shutdown to the ring and ends the container with 143, as the JVM does.
 */
public final class CassandraImage {

  static final String DATA = "/cassandra_data";
  /** Where the node keeps its host ID and tokens: system.local's folder (dekube writes JSON, not SSTables). */
  static final String LOCAL = DATA + "/data/system/local-7ad54392bcdd35a684174e047860b377";
  static final String VERSION = "3.11.2";

  /** Wraps a server's connection handler with the pod's NetworkPolicies ({@code Refusals.tcp}). */
  public interface Admission {
    io.vertx.core.Handler<io.vertx.core.net.NetSocket> admit(int port,
        io.vertx.core.Handler<io.vertx.core.net.NetSocket> handler);
  }

  private CassandraImage() {
  }

  /** Starts the image in {@code c}; completes once gossip listens (the node joins the ring after). */
  public static Future<Void> start(JvmContainer c, List<String> argv, Admission admission) {
    AtomicReference<CassandraNode> running = new AtomicReference<>();
    c.command("nodetool", (words, out, tty) -> Nodetool.start(running.get(), words,
        Nodetool.terminal(out, tty)));
    c.command("cqlsh", (words, out, tty) -> Nodetool.cqlsh(running.get(), Nodetool.terminal(out, tty)));
    c.command("ready-probe.sh", (words, out, tty) -> Nodetool.readyProbe(c, running.get(), out));
    if (argv.stream().noneMatch(a -> a.endsWith("run.sh"))) {
      return Future.failedFuture(new ContainerStartException("StartError", "dekube's cassandra image runs only its "
          + "/run.sh, not " + String.join(" ", argv)));
    }
    Map<String, String> env = c.spec().env();
    String ip = c.spec().podIp();
    String host = env.getOrDefault("HOSTNAME", c.spec().podName());
    String seeds = env.getOrDefault("CASSANDRA_SEEDS", ip);
    CassandraNode.Settings settings = new CassandraNode.Settings(env.getOrDefault("CASSANDRA_CLUSTER_NAME",
        "Test Cluster"), env.getOrDefault("CASSANDRA_DC", "DC1"), env.getOrDefault("CASSANDRA_RACK", "Rack1"),
        List.of(seeds.split("\\s*,\\s*")), host, ip);
    int numTokens = number(env.get("CASSANDRA_NUM_TOKENS"), 32);
    CassandraLog log = new CassandraLog(c, Clock.systemUTC());
    runSh(c, settings, env, numTokens);
    c.exitOnSigterm(143);
    return c.nodeFolder(LOCAL).compose(folder -> c.vertx().executeBlocking(() -> {
      for (String f : List.of("/commitlog", "/hints", "/saved_caches")) {
        Files.createDirectories(folder.getParent().getParent().getParent().resolve(f.substring(1)));
      }
      Path file = folder.resolve("dekube-local.json");
      return Files.exists(file) ? new JsonObject(Files.readString(file)) : null;
    }, false)).compose(saved -> c.file("/etc/hosts").map(hosts -> {
      String domain = ZooKeeperImage.domain(hosts == null ? "" : new String(hosts, StandardCharsets.UTF_8), host);
      startLines(log, settings, domain.isEmpty() ? host : host + "." + domain, env);
      String hostId = saved == null ? UUID.randomUUID().toString() : saved.getString("hostId");
      List<Long> tokens = saved == null ? randomTokens(numTokens) : saved.getJsonArray("tokens").stream()
          .map(t -> ((Number) t).longValue()).toList();
      long load = 60 * 1024 + Math.floorMod(hostId.hashCode(), 50 * 1024);
      CassandraNode node = new CassandraNode(c, settings, log, hostId, tokens, load,
          h -> admission.admit(CassandraNode.STORAGE_PORT, h), h -> admission.admit(CassandraNode.NATIVE_PORT, h));
      running.set(node);
      // SIGTERM: the shutdown hook announces the end while the pod's network is still there; a stop for any other
      // reason (the container exits) only closes the ports
      c.onTerm(grace -> node.stop().map(143));
      c.onStop(node::stop);
      return new Object[] {node, saved != null};
    })).compose(started -> {
      CassandraNode node = (CassandraNode) started[0];
      boolean restarted = (Boolean) started[1];
      return node.startGossip().onSuccess(v -> join(c, node, log, restarted));
    }).recover(e -> Future.failedFuture(e instanceof ContainerStartException ? e
        : new ContainerStartException("RunContainerError", "cassandra: " + e.getMessage())));
  }

  /** The node's way into the ring, then its native transport. */
  private static void join(JvmContainer c, CassandraNode node, CassandraLog log, boolean restarted) {
    Future<Void> joined;
    if (restarted) {
      log.info("main", "StorageService.java:707", "Loading persisted ring state");
      joined = Future.succeededFuture();
    } else if (node.isSeed()) {
      log.info("main", "BootStrapper.java:228", "Generated random tokens. tokens are " + node.tokens());
      joined = Future.succeededFuture();
    } else {
      log.info("main", "StorageService.java:1446", "JOINING: waiting for ring information");
      joined = node.awaitRing().compose(v -> {
        log.info("main", "StorageService.java:1446", "JOINING: schema complete, ready to bootstrap");
        log.info("main", "StorageService.java:1446", "JOINING: waiting for pending range calculation");
        log.info("main", "StorageService.java:1446", "JOINING: calculation complete, ready to bootstrap");
        log.info("main", "StorageService.java:1446", "JOINING: getting bootstrap token");
        log.info("main", "StorageService.java:1446", "JOINING: sleeping " + CassandraNode.RING_DELAY_MS
            + " ms for pending range setup");
        return c.vertx().timer(CassandraNode.RING_DELAY_MS).<Void>mapEmpty();
      }).map(v -> {
        log.info("main", "StorageService.java:1446", "JOINING: Starting to bootstrap...");
        log.info("main", "StorageService.java:1446", "JOINING: Finish joining ring");
        return null;
      });
    }
    joined.compose(v -> save(c, node)).compose(v -> {
      if (c.exited().isComplete()) {
        return Future.succeededFuture();
      }
      node.normal();
      return node.startNativeTransport();
    }).onFailure(e -> {
      if (c.exited().isComplete()) {
        return;
      }
      log.error("main", "CassandraDaemon.java:708", "Exception encountered during startup");
      c.output("stdout", Buffer.buffer("java.lang.RuntimeException: " + e.getMessage() + "\n"
          + "\tat org.apache.cassandra.gms.Gossiper.doShadowRound(Gossiper.java:1435)\n"
          + "\tat org.apache.cassandra.service.StorageService.checkForEndpointCollision(StorageService.java:566)\n"));
      c.exit(3);
    });
  }

  private static Future<Void> save(JvmContainer c, CassandraNode node) {
    return c.nodeFolder(LOCAL).compose(folder -> c.vertx().executeBlocking(() -> {
      Files.writeString(folder.resolve("dekube-local.json"), new JsonObject().put("hostId", node.hostId())
          .put("tokens", new JsonArray(new ArrayList<>(node.tokens()))).encode());
      return null;
    }, false));
  }

  /** What {@code /run.sh} prints before it execs Cassandra. */
  private static void runSh(JvmContainer c, CassandraNode.Settings s, Map<String, String> env, int numTokens) {
    String ip = s.ip();
    String text = "Starting Cassandra on " + ip + "\n"
        + "CASSANDRA_CONF_DIR /etc/cassandra\n"
        + "CASSANDRA_CFG /etc/cassandra/cassandra.yaml\n"
        + "CASSANDRA_AUTO_BOOTSTRAP true\n"
        + "CASSANDRA_BROADCAST_ADDRESS " + ip + "\n"
        + "CASSANDRA_BROADCAST_RPC_ADDRESS " + ip + "\n"
        + "CASSANDRA_CLUSTER_NAME " + s.cluster() + "\n"
        + "CASSANDRA_COMPACTION_THROUGHPUT_MB_PER_SEC \n"
        + "CASSANDRA_CONCURRENT_COMPACTORS \n"
        + "CASSANDRA_CONCURRENT_READS \n"
        + "CASSANDRA_CONCURRENT_WRITES \n"
        + "CASSANDRA_COUNTER_CACHE_SIZE_IN_MB \n"
        + "CASSANDRA_DC " + env.getOrDefault("CASSANDRA_DC", "") + "\n"
        + "CASSANDRA_DISK_OPTIMIZATION_STRATEGY ssd\n"
        + "CASSANDRA_ENDPOINT_SNITCH GossipingPropertyFileSnitch\n"
        + "CASSANDRA_GC_WARN_THRESHOLD_IN_MS \n"
        + "CASSANDRA_INTERNODE_COMPRESSION \n"
        + "CASSANDRA_KEY_CACHE_SIZE_IN_MB \n"
        + "CASSANDRA_LISTEN_ADDRESS " + ip + "\n"
        + "CASSANDRA_LISTEN_INTERFACE \n"
        + "CASSANDRA_MEMTABLE_ALLOCATION_TYPE \n"
        + "CASSANDRA_MEMTABLE_CLEANUP_THRESHOLD \n"
        + "CASSANDRA_MEMTABLE_FLUSH_WRITERS \n"
        + "CASSANDRA_MIGRATION_WAIT 1\n"
        + "CASSANDRA_NUM_TOKENS " + numTokens + "\n"
        + "CASSANDRA_RACK " + env.getOrDefault("CASSANDRA_RACK", "") + "\n"
        + "CASSANDRA_RING_DELAY " + CassandraNode.RING_DELAY_MS + "\n"
        + "CASSANDRA_RPC_ADDRESS 0.0.0.0\n"
        + "CASSANDRA_RPC_INTERFACE \n"
        + "CASSANDRA_SEEDS " + String.join(",", s.seeds()) + "\n"
        + "CASSANDRA_SEED_PROVIDER org.apache.cassandra.locator.SimpleSeedProvider\n";
    c.output("stdout", Buffer.buffer(text));
  }

  /** Cassandra's first lines: its configuration, host and versions. */
  private static void startLines(CassandraLog log, CassandraNode.Settings s, String fqdn, Map<String, String> env) {
    log.info("main", "YamlConfigurationLoader.java:89", "Configuration location: file:/etc/cassandra/cassandra.yaml");
    log.info("main", "Config.java:495", "Node configuration:[authenticator=AllowAllAuthenticator; "
        + "authorizer=AllowAllAuthorizer; auto_bootstrap=true; cluster_name=" + s.cluster() + "; "
        + "commitlog_directory=/cassandra_data/commitlog; data_file_directories=[Ljava.lang.String;@6b19b79; "
        + "endpoint_snitch=GossipingPropertyFileSnitch; hints_directory=/cassandra_data/hints; listen_address="
        + s.ip() + "; native_transport_port=" + CassandraNode.NATIVE_PORT + "; num_tokens="
        + env.getOrDefault("CASSANDRA_NUM_TOKENS", "32") + "; partitioner=org.apache.cassandra.dht.Murmur3Partitioner; "
        + "rpc_address=0.0.0.0; saved_caches_directory=/cassandra_data/saved_caches; seed_provider="
        + "org.apache.cassandra.locator.SimpleSeedProvider{seeds=" + String.join(",", s.seeds()) + "}; "
        + "start_native_transport=true; start_rpc=false; storage_port=" + CassandraNode.STORAGE_PORT + "]");
    log.info("main", "DatabaseDescriptor.java:367", "DiskAccessMode 'auto' determined to be mmap, indexAccessMode is "
        + "mmap");
    log.info("main", "GossipingPropertyFileSnitch.java:64", "Loaded cassandra-topology.properties for compatibility");
    log.info("main", "CassandraDaemon.java:473", "Hostname: " + fqdn);
    log.info("main", "CassandraDaemon.java:480", "JVM vendor/version: OpenJDK 64-Bit Server VM/1.8.0_151");
    String heap = env.getOrDefault("MAX_HEAP_SIZE", "512M").replaceAll("[^0-9]", "");
    log.info("main", "CassandraDaemon.java:481", "Heap size: " + (heap.isEmpty() ? "512" : heap) + ".000MiB/"
        + (heap.isEmpty() ? "512" : heap) + ".000MiB");
    log.info("main", "StorageService.java:600", "Cassandra version: " + VERSION);
    log.info("main", "StorageService.java:601", "Thrift API version: 20.1.0");
    log.info("main", "StorageService.java:602", "CQL supported versions: 3.4.4 (default: 3.4.4)");
    log.info("main", "StorageService.java:604", "Native protocol supported versions: 3/v3, 4/v4, 5/v5-beta "
        + "(default: 4/v4)");
  }

  /** 3.11's random token allocation: {@code n} tokens on the Murmur3 ring. */
  static List<Long> randomTokens(int n) {
    SecureRandom random = new SecureRandom();
    List<Long> tokens = new ArrayList<>();
    while (tokens.size() < n) {
      long t = random.nextLong();
      if (t != Long.MIN_VALUE && !tokens.contains(t)) {
        tokens.add(t);
      }
    }
    tokens.sort(null);
    return tokens;
  }

  private static int number(String s, int fallback) {
    return s != null && s.matches("\\d{1,4}") && Integer.parseInt(s) > 0 ? Integer.parseInt(s) : fallback;
  }
}
