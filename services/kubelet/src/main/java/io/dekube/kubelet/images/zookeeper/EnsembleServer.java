package io.dekube.kubelet.images.zookeeper;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.zookeeper.jmx.MBeanRegistry;
import org.apache.zookeeper.jmx.ZKMBeanInfo;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.apache.zookeeper.server.auth.ProviderRegistry;
import org.apache.zookeeper.server.persistence.FileTxnSnapLog;
import org.apache.zookeeper.server.quorum.MultipleAddresses;
import org.apache.zookeeper.server.quorum.QuorumPeer;
import org.apache.zookeeper.server.quorum.QuorumPeerConfig;

/**
 * One ZooKeeper server of an ensemble — the real {@link QuorumPeer}, as {@code QuorumPeerMain} builds it from
 * {@code zoo.cfg} — run inside the kubelet's JVM beside the ensemble's other servers, as ZooKeeper's own tests run
 * quorums: its client port and quorum ports bound to the pod IP, not the wildcard, and the peers' names
 * ({@code zk-1.zk-hs.default.svc.cluster.local}) resolved by its container through the cluster's DNS, since the
 * JVM's resolver knows no cluster names: whenever a peer's pod is at a new address ({@link #peerAt}), the server
 * connects there. With no {@code server.N} lines it runs standalone ({@code ZooKeeperServerMain}'s way).
 * JMX registration is off (the servers' bean names would collide across ensembles), the four-letter words are
 * all allowed (as in 3.4, where no whitelist existed), the Jetty admin server is off. Blocking: call from a worker.
 */
final class EnsembleServer {

  static {
    System.setProperty("zookeeper.admin.enableServer", "false");
    if (System.getProperty("zookeeper.4lw.commands.whitelist") == null) {
      System.setProperty("zookeeper.4lw.commands.whitelist", "*");
    }
    MBeanRegistry.setInstance(new MBeanRegistry() {
      @Override
      public void register(ZKMBeanInfo bean, ZKMBeanInfo parent) {
      }

      @Override
      public void unregister(ZKMBeanInfo bean) {
      }
    });
    ProviderRegistry.initialize();
  }

  private final ZooKeeperLog.ServerThreads threads;
  /** The other servers' names in zoo.cfg, by id: the verifiers ZooKeeper re-parses later name them by address. */
  private final Map<Long, String> peerNames = new java.util.TreeMap<>();
  private QuorumPeer peer;
  private ServerCnxnFactory standalone;
  private ZooKeeperServer standaloneServer;

  private EnsembleServer(ZooKeeperLog.ServerThreads threads) {
    this.threads = threads;
  }

  /**
   * Starts server {@code myId} of {@code zooCfg} (the file's text): {@code folders} maps its {@code dataDir} and
   * {@code dataLogDir} to node folders, {@code podIp} is where it listens; its log lines go to {@code log} from
   * {@code logLevel} up. Returns once it listens on its client port.
   */
  static EnsembleServer start(String name, long myId, String zooCfg, Map<String, File> folders, String podIp,
                              String logLevel, Consumer<String> log) throws Exception {
    ZooKeeperLog.install();
    Properties props = new Properties();
    props.load(new java.io.StringReader(zooCfg));
    for (String key : List.of("dataDir", "dataLogDir")) {
      String dir = props.getProperty(key);
      if (dir != null) {
        File folder = folders.get(dir.trim());
        if (folder == null) {
          throw new IllegalArgumentException(key + " " + dir + " has no folder in the container");
        }
        props.setProperty(key, folder.getPath());
      }
    }
    props.setProperty("clientPortAddress", podIp);
    // as 3.4, which had none: no dynamic reconfiguration, so a configuration a peer sends is never adopted
    props.setProperty("reconfigEnabled", "false");
    CompletableFuture<EnsembleServer> started = new CompletableFuture<>();
    EnsembleServer server = new EnsembleServer(new ZooKeeperLog.ServerThreads(name, myId, logLevel, log));
    Thread main = new Thread(server.threads, () -> {
      try {
        QuorumPeerConfig config = new QuorumPeerConfig();
        config.parseProperties(props);
        server.run(config, podIp);
        started.complete(server);
      } catch (Throwable e) {
        started.completeExceptionally(e);
      }
    }, "main");
    main.start();
    return started.get();
  }

  private void run(QuorumPeerConfig config, String podIp) throws Exception {
    ServerCnxnFactory factory = ServerCnxnFactory.createFactory();
    factory.configure(config.getClientPortAddress(), config.getMaxClientCnxns(), config.getClientPortListenBacklog(),
        false);
    FileTxnSnapLog txnLog = new FileTxnSnapLog(config.getDataLogDir(), config.getDataDir());
    if (!config.isDistributed()) {
      standalone = factory;
      standaloneServer = new ZooKeeperServer(txnLog, config.getTickTime(), config.getMinSessionTimeout(),
          config.getMaxSessionTimeout(), config.getClientPortListenBacklog(), new ZKDatabase(txnLog), "");
      factory.startup(standaloneServer);
      return;
    }
    config.getQuorumVerifier().getAllMembers().forEach((id, qs) -> {
      if (id != config.getServerId()) {
        peerNames.put(id, qs.hostname);
      }
    });
    QuorumPeer.QuorumServer me = config.getQuorumVerifier().getAllMembers().get(config.getServerId());
    if (me != null) { // binds its own quorum and election ports on the pod IP
      me.addr = new MultipleAddresses(new InetSocketAddress(podIp, me.addr.getOne().getPort()));
      me.electionAddr = new MultipleAddresses(new InetSocketAddress(podIp, me.electionAddr.getOne().getPort()));
    }
    QuorumPeer p = new QuorumPeer();
    p.setTxnFactory(txnLog);
    p.enableLocalSessions(config.areLocalSessionsEnabled());
    p.enableLocalSessionsUpgrading(config.isLocalSessionsUpgradingEnabled());
    p.setElectionType(config.getElectionAlg());
    p.setMyid(config.getServerId());
    p.setTickTime(config.getTickTime());
    p.setMinSessionTimeout(config.getMinSessionTimeout());
    p.setMaxSessionTimeout(config.getMaxSessionTimeout());
    p.setInitLimit(config.getInitLimit());
    p.setSyncLimit(config.getSyncLimit());
    p.setConnectToLearnerMasterLimit(config.getConnectToLearnerMasterLimit());
    p.setObserverMasterPort(config.getObserverMasterPort());
    p.setClientPortListenBacklog(config.getClientPortListenBacklog());
    p.setZKDatabase(new ZKDatabase(txnLog));
    p.setQuorumVerifier(config.getQuorumVerifier(), false);
    p.initConfigInZKDatabase();
    p.setCnxnFactory(factory);
    p.setLearnerType(config.getPeerType());
    p.setSyncEnabled(config.getSyncEnabled());
    p.setQuorumListenOnAllIPs(false);
    p.setMultiAddressEnabled(false);
    p.initialize();
    p.start();
    peer = p;
  }

  /** The server's id ({@code myid}), 0 when standalone. */
  long myId() {
    return peer == null ? 0 : peer.getMyId();
  }

  /** The names zoo.cfg gives the other servers of the ensemble, by id. */
  Map<Long, String> peerNames() {
    return peerNames;
  }

  /**
   * Points peer {@code id} at {@code ip}, the address its name has now, in the verifier in force and in the last
   * one seen (the leader's, which ZooKeeper re-parsed from addresses); the next connection attempt goes there.
   */
  void peerAt(long id, String ip) {
    if (peer != null) {
      peerAt(peer.getQuorumVerifier(), id, ip);
      peerAt(peer.getLastSeenQuorumVerifier(), id, ip);
    }
  }

  private static void peerAt(org.apache.zookeeper.server.quorum.flexible.QuorumVerifier verifier, long id, String ip) {
    QuorumPeer.QuorumServer qs = verifier == null ? null : verifier.getAllMembers().get(id);
    if (qs == null || qs.addr.isEmpty() || qs.electionAddr.isEmpty()) {
      return;
    }
    InetSocketAddress quorum = qs.addr.getOne();
    InetSocketAddress election = qs.electionAddr.getOne();
    if (!at(quorum, ip)) {
      qs.addr = new MultipleAddresses(new InetSocketAddress(ip, quorum.getPort()));
    }
    if (!at(election, ip)) {
      qs.electionAddr = new MultipleAddresses(new InetSocketAddress(ip, election.getPort()));
    }
  }

  private static boolean at(InetSocketAddress a, String ip) {
    return !a.isUnresolved() && a.getAddress().getHostAddress().equals(ip);
  }

  /** Stops the server (its threads log the shutdown to the container); blocking. */
  void stop() throws InterruptedException {
    Runnable shutdown = () -> {
      if (peer != null) {
        peer.shutdown();
      }
      if (standalone != null) {
        standalone.shutdown();
        standaloneServer.shutdown();
      }
    };
    Thread stopper;
    try {
      stopper = new Thread(threads, shutdown, "shutdown");
    } catch (IllegalThreadStateException e) {
      shutdown.run(); // every thread of the server has ended already
      return;
    }
    stopper.start();
    stopper.join(30_000);
  }
}
