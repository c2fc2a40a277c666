package io.dekube.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4 broker (KRaft, combined broker+controller, node id 1) running
 * in this JVM.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start()) {
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:41234"
 * }
 * }</pre>
 *
 * <p>The data directory is formatted on first use (a fresh cluster id is written to
 * {@code meta.properties}); a directory that is formatted already is reused as is, so topics and
 * records survive a restart on the same directory. Port 0 picks a free port before the broker
 * starts and advertises exactly that port; the controller listener always gets a free port of its
 * own. The broker defaults are those of {@code BrokerProperties} (replication factor 1 for the
 * internal topics, fast transaction markers, no auto-created topics, ...); {@link
 * Builder#brokerProperty(String, String)} overrides any of them.
 *
 * <p><b>The JVM can be halted by Kafka.</b> Kafka's fatal fault handlers call
 * {@link org.apache.kafka.common.utils.Exit#halt(int, String)}, which halts the whole JVM without
 * running shutdown hooks. This class leaves that in place. Where that matters, run the broker in a
 * child process with {@link EmbeddedKafkaProcess}; tests may install {@link KafkaExitTrap} to
 * turn such halts into exceptions.
 *
 * <p>Thread-safety: {@link #start()} and {@link #close()} are synchronized; the accessors may be
 * called from any thread. An instance starts at most once; to restart, build a new instance on the
 * same data directory.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int START_ATTEMPTS = 3;

    private final String host;
    private final int requestedPort;
    private final Path dataDir;
    private final Map<String, String> extraProperties;
    private final Duration startTimeout;
    private final int nodeId;
    private final int fixedControllerPort;
    private final String voters;
    private final String clusterIdToFormat;

    private KafkaRaftServer server;
    private volatile int port = -1;
    private volatile String clusterId;
    private boolean started;
    private boolean closed;

    private EmbeddedKafka(Builder b) {
        this.host = b.host;
        this.requestedPort = b.port;
        this.dataDir = Objects.requireNonNull(b.dataDir, "dataDir").toAbsolutePath();
        this.extraProperties = Map.copyOf(b.extra);
        this.startTimeout = b.startTimeout;
        this.nodeId = b.nodeId;
        this.fixedControllerPort = b.controllerPort;
        this.voters = b.voters;
        this.clusterIdToFormat = b.clusterId;
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the data directory if needed, starts the broker and blocks until it answers an
     * Admin {@code describeCluster}.
     *
     * @return this
     * @throws IllegalStateException if the broker does not start (the cause tells why)
     */
    public synchronized EmbeddedKafka start() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (started) {
            return this;
        }
        long t0 = System.nanoTime();
        try {
            clusterId = BrokerStorage.formatIfNeeded(dataDir, nodeId, BrokerProperties.CONTROLLER_LISTENER,
                    clusterIdToFormat);
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka data dir " + dataDir, e);
        }
        for (int attempt = 1; ; attempt++) {
            int brokerPort = requestedPort == 0 ? FreePorts.pick(host) : requestedPort;
            int controllerPort = fixedControllerPort != 0 ? fixedControllerPort : FreePorts.pickOther(host, brokerPort);
            Map<String, String> props = BrokerProperties.build(nodeId, voters, host, brokerPort, controllerPort,
                    dataDir, extraProperties);
            KafkaRaftServer candidate = new KafkaRaftServer(new KafkaConfig(new HashMap<>(props), false), Time.SYSTEM);
            try {
                candidate.startup();
                server = candidate;
                port = brokerPort;
                break;
            } catch (RuntimeException e) {
                stopQuietly(candidate);
                boolean ownPortTaken = requestedPort != 0 && mentions(e, host + ":" + requestedPort);
                if (attempt >= START_ATTEMPTS || !mentions(e, "failed to bind") || ownPortTaken) {
                    throw new IllegalStateException("Kafka broker did not start on " + host + ":" + brokerPort, e);
                }
                LOG.warn("port clash starting Kafka on {}:{}/{} (attempt {}), retrying with other ports",
                        host, brokerPort, controllerPort, attempt);
            }
        }
        started = true;
        try {
            awaitReady();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.info("Kafka broker ready on {} (cluster {}, data {}) in {} ms", bootstrapServers(), clusterId,
                dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        return this;
    }

    private void awaitReady() {
        Map<String, Object> conf = new LinkedHashMap<>();
        conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "dekube-embedded-kafka-ready");
        conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        conf.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        long deadline = System.nanoTime() + startTimeout.toNanos();
        RuntimeException last = null;
        try (Admin admin = Admin.create(conf)) {
            while (System.nanoTime() < deadline) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(left, 10_000)))
                            .nodes().get().size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for Kafka", e);
                } catch (Exception e) {
                    last = new IllegalStateException("describeCluster failed", e);
                }
            }
        }
        throw new IllegalStateException("Kafka broker on " + bootstrapServers() + " not ready within "
                + startTimeout, last);
    }

    /** {@code host:port} of the broker listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        int p = port;
        if (p < 0) {
            throw new IllegalStateException("not started");
        }
        return host + ":" + p;
    }

    /** The host the broker listens on and advertises. */
    public String host() {
        return host;
    }

    /** The bound broker port, or -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    /** The (absolute) data directory: {@code log.dirs} and the KRaft metadata log. */
    public Path dataDir() {
        return dataDir;
    }

    /** The cluster id kept in the data directory, or {@code null} before {@link #start()}. */
    public String clusterId() {
        return clusterId;
    }

    /** Whether the broker was started and not closed yet. */
    public synchronized boolean isRunning() {
        return started && !closed;
    }

    /** Shuts the broker down cleanly and waits for it; idempotent. The data directory is kept. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            long t0 = System.nanoTime();
            stopQuietly(server);
            server = null;
            LOG.info("Kafka broker on {}:{} stopped in {} ms", host, port,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    private static void stopQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping Kafka", e);
        }
    }

    private static boolean mentions(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Configuration of an {@link EmbeddedKafka}. Not thread-safe; use from one thread.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Path dataDir;
        private final Map<String, String> extra = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private int nodeId = BrokerProperties.NODE_ID;
        private int controllerPort;
        private String voters;
        private String clusterId;

        private Builder() {
        }

        /**
         * Makes this broker node {@code nodeId} of a static KRaft quorum ({@link EmbeddedKafkaQuorum}): its controller
         * listens on {@code controllerPort}, {@code voters} lists every controller ({@code id@host:port,...}), and a new
         * data directory is formatted with {@code clusterId}, the same for every member.
         */
        Builder quorumMember(int nodeId, int controllerPort, String voters, String clusterId) {
            this.nodeId = nodeId;
            this.controllerPort = controllerPort;
            this.voters = Objects.requireNonNull(voters, "voters");
            this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
            return this;
        }

        /** The host (or IP) to listen on and advertise; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The broker port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port " + port);
            }
            this.port = port;
            return this;
        }

        /** The data directory (required); formatted if it holds no {@code meta.properties}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Sets (or overrides) one broker property. */
        public Builder brokerProperty(String key, String value) {
            extra.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Sets (or overrides) broker properties. */
        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** How long {@link EmbeddedKafka#start()} waits for the broker to answer; default 60 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** Builds the (not yet started) broker. */
        public EmbeddedKafka build() {
            return new EmbeddedKafka(this);
        }
    }
}
