package io.dekube.kubelet.images.cassandra;

import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.PodDialer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.UnaryOperator;

/**
 * One Cassandra node of the {@code cassandra:v13} image: gossip on the pod IP's storage port 7000 and the native
 * transport on 9042. Every second it raises its heartbeat and exchanges every node's state it knows with a live
 * peer, a seed (the {@code CASSANDRA_SEEDS} names, resolved through the pod's resolver every 2 s, so a re-created
 * seed pod is found at its new IP) and a node it has down; views merge by the newer heartbeat. A node whose heartbeat
 * has not moved for {@link #CONVICT_MS} is down, one that announced its shutdown is down at once; a node that comes
 * back at a new address with the same host ID (a StatefulSet pod re-created on its volume) replaces its old address,
 * which leaves the ring; a node that stays down stays {@code DN}, as in Cassandra, until
 * {@code nodetool removenode} removes it everywhere. A node joins as Cassandra 3.11 does: a seed or a node with tokens in its volume is NORMAL
 * at once; another first hears from the ring, joins ({@code UJ}) for {@link #RING_DELAY_MS} (the image's
 * {@code cassandra.ring_delay_ms}: dekube's is 2 s, Cassandra's default 30 s) and then goes NORMAL; only then does
 * the native transport listen. No data is stored or streamed. Thread-safe: the state is guarded by the node.
 */
final class CassandraNode {

  /** How long a node's heartbeat may stand still before it is down (the failure detector's conviction). */
  static final long CONVICT_MS = 6_000;
  /** The ring delay: how long a bootstrapping node waits for the ring's pending ranges. */
  static final long RING_DELAY_MS = 2_000;
  /** How long a joining node tries to hear from a seed before it gives up, as the shadow round does. */
  static final long SHADOW_ROUND_MS = 30_000;
  /** How long a removed node's state is gossiped, so that every node hears of its removal. */
  static final long QUARANTINE_MS = 60_000;
  static final int STORAGE_PORT = 7000;
  static final int NATIVE_PORT = 9042;

  /** Wraps a server's connection handler with the pod's NetworkPolicies. */
  interface Admission extends UnaryOperator<Handler<NetSocket>> {
  }

  /** The node's settings from the image's environment. */
  record Settings(String cluster, String dc, String rack, List<String> seeds, String hostname, String ip) {
  }

  private final JvmContainer c;
  private final Settings settings;
  private final CassandraLog log;
  private final Admission storageAdmission;
  private final Admission nativeAdmission;
  private final PodDialer dialer;
  private final Map<String, Endpoint> peers = new HashMap<>();
  private final Map<String, Long> lastBeat = new HashMap<>();
  private final Set<String> up = new HashSet<>();
  private final Set<String> handshaken = new HashSet<>();
  private final Map<String, Long> quarantine = new HashMap<>();
  private final List<Endpoint> removals = new ArrayList<>();
  private final Promise<Void> heardFromRing = Promise.promise();
  private volatile Set<String> seedAddresses = Set.of();
  private Endpoint self;
  private NetServer storage;
  private NetServer cql;
  private long gossipTimer = -1;
  private long seedTimer = -1;
  private boolean drained;

  CassandraNode(JvmContainer c, Settings settings, CassandraLog log, String hostId, List<Long> tokens, long load,
                Admission storageAdmission, Admission nativeAdmission) {
    this.c = c;
    this.settings = settings;
    this.log = log;
    this.storageAdmission = storageAdmission;
    this.nativeAdmission = nativeAdmission;
    this.dialer = new PodDialer(c, 2);
    this.self = new Endpoint(settings.ip(), hostId, System.currentTimeMillis() / 1000, 1, Endpoint.BOOT, tokens,
        settings.dc(), settings.rack(), load, false);
  }

  private String me() {
    return "/" + settings.ip();
  }

  /** Binds the storage port and starts gossip; completes once the port is bound. */
  Future<Void> startGossip() {
    NetServer server = c.vertx().createNetServer(new NetServerOptions().setHost(settings.ip())
        .setPort(STORAGE_PORT).setReuseAddress(true));
    server.connectHandler(storageAdmission.apply(this::serveGossip));
    return server.listen().<Void>map(s -> {
      synchronized (this) {
        storage = s;
      }
      log.info("main", "MessagingService.java:761", "Starting Messaging Service on " + me() + ":" + STORAGE_PORT
          + " (eth0)");
      return null;
    }).compose(v -> resolveSeeds()).onSuccess(v -> {
      log.info("main", "StorageService.java:825", "Starting up server gossip");
      synchronized (this) {
        seedTimer = c.vertx().setPeriodic(2000, t -> resolveSeeds());
        gossipTimer = c.vertx().setPeriodic(1000, t -> gossipRound());
      }
      gossipRound();
    });
  }

  /** Whether this node is one of the seeds: a seed name gives its address, or names its hostname. */
  boolean isSeed() {
    return seedAddresses.contains(settings.ip())
        || settings.seeds().stream().anyMatch(s -> s.equals(settings.hostname()) || s.startsWith(settings.hostname()
        + "."));
  }

  private Future<Void> resolveSeeds() {
    List<Future<String>> found = new ArrayList<>();
    for (String name : settings.seeds()) {
      found.add(c.resolve(name).otherwise((String) null));
    }
    return Future.join(found).map(all -> {
      Set<String> ips = new LinkedHashSet<>();
      found.stream().map(Future::result).filter(ip -> ip != null).forEach(ips::add);
      seedAddresses = Set.copyOf(ips);
      return null;
    });
  }

  /** Completes once gossip brought word of another node (a joining node's shadow round), or fails after a while. */
  Future<Void> awaitRing() {
    long timer = c.vertx().setTimer(SHADOW_ROUND_MS, t -> heardFromRing.tryFail("Unable to gossip with any peers"));
    return heardFromRing.future().andThen(ar -> c.vertx().cancelTimer(timer));
  }

  /** This node joins the ring with its tokens: status NORMAL. */
  synchronized void normal() {
    self = self.withStatus(Endpoint.NORMAL, false);
    log.info("main", "StorageService.java:2289", "Node " + me() + " state jump to NORMAL");
  }

  /** Starts the native transport; the node is ready for clients once it listens. */
  Future<Void> startNativeTransport() {
    NetServer server = c.vertx().createNetServer(new NetServerOptions().setHost(settings.ip())
        .setPort(NATIVE_PORT).setReuseAddress(true));
    server.connectHandler(nativeAdmission.apply(NativeTransport::serve));
    return server.listen().map(s -> {
      synchronized (this) {
        cql = s;
        self = self.withStatus(self.status(), true);
      }
      log.info("main", "Server.java:156", "Starting listening for CQL clients on " + me() + ":" + NATIVE_PORT
          + " (unencrypted)...");
      log.info("main", "CassandraDaemon.java:556", "Not starting RPC server as requested. Use JMX "
          + "(StorageService->startRPCServer()) or nodetool (enablethrift) to start it");
      return null;
    });
  }

  /** Whether the node is NORMAL and its native transport listens: what the ready probe asks. */
  synchronized boolean ready() {
    return !drained && self.status().equals(Endpoint.NORMAL) && cql != null;
  }

  /** The node's host ID. */
  synchronized String hostId() {
    return self.hostId();
  }

  /** The tokens the node owns. */
  synchronized List<Long> tokens() {
    return self.tokens();
  }

  /** {@code nodetool status} from this node's view, for a keyspace of {@code replicas} copies. */
  synchronized String status(int replicas) {
    List<NodetoolStatus.Member> members = new ArrayList<>();
    members.add(new NodetoolStatus.Member(self, !drained));
    peers.values().forEach(e -> members.add(new NodetoolStatus.Member(e, up.contains(e.address()))));
    return NodetoolStatus.render(members, replicas);
  }

  /** {@code nodetool drain}: stop serving clients, announce the shutdown, stop gossip. Idempotent. */
  Future<Void> drain() {
    synchronized (this) {
      if (drained) {
        return Future.succeededFuture();
      }
    }
    String thread = "RMI TCP Connection(2)-127.0.0.1";
    log.info(thread, "StorageService.java:1449", "DRAINING: starting drain process");
    log.info(thread, "HintsService.java:220", "Paused hints dispatch");
    return shutdown(thread).onComplete(ar -> {
      log.info(thread, "HintsService.java:220", "Paused hints dispatch");
      log.info(thread, "StorageService.java:1449", "DRAINED");
    });
  }

  /** The JVM's shutdown hook on SIGTERM: the same announcement, unless drained already. */
  Future<Void> stop() {
    synchronized (this) {
      if (drained) {
        return closeServers();
      }
    }
    return shutdown("StorageServiceShutdownHook").compose(v -> closeServers());
  }

  private Future<Void> shutdown(String thread) {
    NetServer client;
    List<String> targets;
    synchronized (this) {
      drained = true;
      client = cql;
      cql = null;
      c.vertx().cancelTimer(gossipTimer);
      c.vertx().cancelTimer(seedTimer);
      targets = new ArrayList<>(up);
    }
    Future<Void> stopped = client == null ? Future.succeededFuture() : client.close().andThen(ar ->
        log.info(thread, "Server.java:176", "Stop listening for CQL clients"));
    return stopped.compose(v -> {
      log.info(thread, "Gossiper.java:1540", "Announcing shutdown");
      synchronized (this) {
        self = self.withStatus(Endpoint.SHUTDOWN, false);
      }
      log.info(thread, "StorageService.java:2289", "Node " + me() + " state jump to shutdown");
      List<Future<Void>> told = new ArrayList<>();
      targets.forEach(t -> told.add(exchange(t)));
      return Future.join(told).<Void>mapEmpty().otherwiseEmpty();
    }).andThen(ar -> log.info(thread, "MessagingService.java:985", "Waiting for messaging service to quiesce"));
  }

  private Future<Void> closeServers() {
    NetServer s;
    synchronized (this) {
      s = storage;
      storage = null;
    }
    return s == null ? Future.succeededFuture() : s.close();
  }

  /** One gossip round: beat, convict the silent, talk to a live peer, a seed and a down node. */
  private void gossipRound() {
    List<String> targets = new ArrayList<>();
    synchronized (this) {
      if (drained) {
        return;
      }
      self = self.beat();
      long now = System.currentTimeMillis();
      for (String a : new ArrayList<>(up)) {
        if (now - lastBeat.getOrDefault(a, 0L) > CONVICT_MS) {
          markDown(a, "GossipTasks:1");
        }
      }
      List<String> live = new ArrayList<>(up);
      if (!live.isEmpty()) {
        targets.add(live.get(ThreadLocalRandom.current().nextInt(live.size())));
      }
      List<String> down = peers.keySet().stream().filter(a -> !up.contains(a)).toList();
      if (!down.isEmpty()) {
        targets.add(down.get(ThreadLocalRandom.current().nextInt(down.size())));
      }
    }
    List<String> seeds = new ArrayList<>(seedAddresses);
    seeds.remove(settings.ip());
    Collections.shuffle(seeds);
    if (!seeds.isEmpty() && !targets.contains(seeds.get(0))) {
      targets.add(seeds.get(0));
    }
    targets.forEach(this::exchange);
  }

  /** Sends everything this node knows to {@code address} and merges its answer. */
  private Future<Void> exchange(String address) {
    return dialer.connect(address, STORAGE_PORT).compose(socket -> {
      Promise<Void> done = Promise.promise();
      RecordParser lines = RecordParser.newDelimited("\n", socket);
      lines.handler(line -> {
        handshake(address);
        merge(new JsonObject(line));
        done.tryComplete();
        socket.close();
      });
      socket.exceptionHandler(done::tryFail);
      socket.closeHandler(v -> done.tryFail("closed"));
      socket.write(message().encode() + "\n");
      long timer = c.vertx().setTimer(2000, t -> socket.close());
      return done.future().andThen(ar -> c.vertx().cancelTimer(timer));
    });
  }

  private void handshake(String address) {
    synchronized (this) {
      if (!handshaken.add(address)) {
        return;
      }
    }
    log.info("HANDSHAKE-/" + address, "OutboundTcpConnection.java:561", "Handshaking version with /" + address);
  }

  private void serveGossip(NetSocket socket) {
    RecordParser lines = RecordParser.newDelimited("\n", socket);
    lines.handler(line -> {
      try {
        merge(new JsonObject(line));
        socket.write(message().encode() + "\n");
      } catch (RuntimeException e) {
        socket.close();
      }
    });
  }

  private synchronized JsonObject message() {
    JsonArray states = new JsonArray().add(self.json());
    peers.values().forEach(e -> states.add(e.json()));
    removals.forEach(e -> states.add(e.json()));
    return new JsonObject().put("cluster", settings.cluster()).put("states", states);
  }

  /** Merges a peer's view into this node's. */
  private synchronized void merge(JsonObject message) {
    String cluster = message.getString("cluster");
    JsonArray states = message.getJsonArray("states", new JsonArray());
    if (!settings.cluster().equals(cluster)) {
      Endpoint sender = states.isEmpty() ? null : Endpoint.of(states.getJsonObject(0));
      log.warn("GossipStage:1", "GossipDigestSynVerbHandler.java:52", "ClusterName mismatch from "
          + (sender == null ? "?" : "/" + sender.address()) + " " + cluster + "!=" + settings.cluster());
      return;
    }
    long now = System.currentTimeMillis();
    for (int i = 0; i < states.size(); i++) {
      Endpoint e = Endpoint.of(states.getJsonObject(i));
      if (e == null || e.address().equals(settings.ip()) || quarantine.getOrDefault(e.address(), -1L)
          >= e.generation()) {
        continue;
      }
      Endpoint known = peers.get(e.address());
      if (!e.newerThan(known) || replaced(e)) {
        continue;
      }
      if (e.status().equals(Endpoint.REMOVED)) {
        excise(e);
        continue;
      }
      peers.put(e.address(), e);
      lastBeat.put(e.address(), now);
      if (known == null) {
        log.info("GossipStage:1", "Gossiper.java:1053", "Node /" + e.address() + " is now part of the cluster");
      }
      if (e.status().equals(Endpoint.SHUTDOWN)) {
        if (known != null && !known.status().equals(Endpoint.SHUTDOWN)) {
          log.info("GossipStage:1", "StorageService.java:2289", "Node /" + e.address() + " state jump to shutdown");
        }
        markDown(e.address(), "GossipStage:1");
        continue;
      }
      if (up.add(e.address())) {
        log.info("GossipStage:1", "Gossiper.java:1019", "InetAddress /" + e.address() + " is now UP");
      }
      if (e.status().equals(Endpoint.NORMAL) && (known == null || !known.status().equals(Endpoint.NORMAL))) {
        log.info("GossipStage:1", "StorageService.java:2289", "Node /" + e.address() + " state jump to NORMAL");
      }
      replaceOlder(e);
    }
    if (!peers.isEmpty()) {
      heardFromRing.tryComplete();
    }
  }

  /** {@code nodetool removenode}: a down node leaves the ring; null, or why not. */
  synchronized String removeNode(String hostId) {
    if (self.hostId().equals(hostId)) {
      return "Cannot remove self";
    }
    Endpoint e = peers.values().stream().filter(p -> p.hostId().equals(hostId)).findFirst().orElse(null);
    if (e == null) {
      return "Host ID not found.";
    }
    if (up.contains(e.address())) {
      return "Node /" + e.address() + " is alive and owns this ID. Use decommission command to remove it from the ring";
    }
    Endpoint removed = e.withStatus(Endpoint.REMOVED, false);
    excise(removed);
    removals.add(removed);
    c.vertx().setTimer(QUARANTINE_MS, t -> {
      synchronized (this) {
        removals.remove(removed);
      }
    });
    return null;
  }

  /** A removed node's state: it leaves this node's view, and its address may not come back in that generation. */
  private void excise(Endpoint e) {
    Endpoint known = peers.remove(e.address());
    lastBeat.remove(e.address());
    up.remove(e.address());
    handshaken.remove(e.address());
    quarantine.put(e.address(), e.generation());
    if (known != null) {
      log.info("GossipStage:1", "StorageService.java:2480", "Removing tokens " + known.tokens() + " for /"
          + e.address());
    }
  }

  /** Whether {@code e} is an old address of a node known at a newer one (this node's own included). */
  private boolean replaced(Endpoint e) {
    boolean older = self.hostId().equals(e.hostId()) || peers.values().stream().anyMatch(p -> p.hostId()
        .equals(e.hostId()) && !p.address().equals(e.address()) && p.generation() > e.generation());
    if (older) {
      quarantine.put(e.address(), e.generation());
    }
    return older;
  }

  /** A node back at a new address with its host ID: its old address leaves the ring. */
  private void replaceOlder(Endpoint e) {
    for (Endpoint other : new ArrayList<>(peers.values())) {
      if (!other.address().equals(e.address()) && other.hostId().equals(e.hostId())
          && other.generation() < e.generation()) {
        log.info("GossipStage:1", "StorageService.java:2247", "Host ID collision for " + e.hostId() + " between /"
            + other.address() + " and /" + e.address() + "; /" + e.address() + " is the new owner");
        peers.remove(other.address());
        lastBeat.remove(other.address());
        up.remove(other.address());
        handshaken.remove(other.address());
        quarantine.put(other.address(), other.generation());
      }
    }
  }

  private void markDown(String address, String thread) {
    handshaken.remove(address);
    if (up.remove(address)) {
      log.info(thread, "Gossiper.java:1034", "InetAddress /" + address + " is now DOWN");
    }
  }
}
