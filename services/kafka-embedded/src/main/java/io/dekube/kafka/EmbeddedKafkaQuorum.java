package io.dekube.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of several real KRaft nodes in this JVM, each a broker and a voter of one static controller
 * quorum, with a cluster's replication settings: the internal topics and every topic created without a factor
 * replicated on all nodes ({@code default.replication.factor}), writes acknowledged by at least
 * {@code min.insync.replicas} = nodes − 1 of them. So one node may stop — its partitions' leadership moves to the
 * others — and no acknowledged record is lost: the shape of a production cluster, for tests of what dekube does
 * when its users outgrow one broker.
 *
 * <pre>{@code
 * try (EmbeddedKafkaQuorum kafka = EmbeddedKafkaQuorum.start(dir, 3)) {
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:4101,127.0.0.1:4103,127.0.0.1:4105"
 *     kafka.stop(2);                                  // node 2 shuts down; its data stays
 *     kafka.restart(2);                               // and comes back on its ports
 * }
 * }</pre>
 *
 * <p>{@link #startProcesses} runs each node as a process of its own ({@link EmbeddedKafkaProcess}), so that
 * {@link #kill} can end one as a crash does (SIGKILL: no controlled shutdown, its leadership moves once the controller
 * misses its heartbeats). Ports are fixed at the start (a node comes back on its own); data directories are
 * {@code dir/node-<id>}, a child's log {@code dir/node-<id>.log}. Thread-safety: the methods may be called from any
 * thread.
 */
public final class EmbeddedKafkaQuorum implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String clusterId;
    private final String voters;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Map<String, String> properties;
    private final boolean processes;
    private final AutoCloseable[] nodes;

    private EmbeddedKafkaQuorum(Path dir, int size, boolean processes) {
        this.dir = dir;
        this.processes = processes;
        this.clusterId = Uuid.randomUuid().toString();
        this.brokerPorts = new int[size];
        this.controllerPorts = new int[size];
        List<Integer> taken = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            brokerPorts[i] = freePortOtherThan(taken);
            taken.add(brokerPorts[i]);
            controllerPorts[i] = freePortOtherThan(taken);
            taken.add(controllerPorts[i]);
        }
        this.voters = IntStream.range(0, size).mapToObj(i -> (i + 1) + "@" + HOST + ":" + controllerPorts[i])
                .collect(Collectors.joining(","));
        String factor = Integer.toString(size);
        String minIsr = Integer.toString(Math.max(1, size - 1));
        Map<String, String> p = new LinkedHashMap<>();
        p.put("default.replication.factor", factor);
        p.put("min.insync.replicas", minIsr);
        p.put("offsets.topic.replication.factor", factor);
        p.put("transaction.state.log.replication.factor", factor);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", factor);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        this.properties = Map.copyOf(p);
        this.nodes = new AutoCloseable[size];
    }

    /**
     * Formats and starts {@code size} nodes in this JVM under {@code dir} and waits until each answers (they start side
     * by side: a node's broker waits for the quorum to elect a leader).
     */
    public static EmbeddedKafkaQuorum start(Path dir, int size) {
        return start(dir, size, false);
    }

    /** As {@link #start(Path, int)}, each node a child process of this JVM (which {@link #kill} may kill). */
    public static EmbeddedKafkaQuorum startProcesses(Path dir, int size) {
        return start(dir, size, true);
    }

    private static EmbeddedKafkaQuorum start(Path dir, int size, boolean processes) {
        if (size < 1) {
            throw new IllegalArgumentException("size " + size);
        }
        EmbeddedKafkaQuorum q = new EmbeddedKafkaQuorum(dir.toAbsolutePath(), size, processes);
        try {
            CompletableFuture.allOf(IntStream.rangeClosed(1, size)
                    .mapToObj(id -> CompletableFuture.runAsync(() -> q.restart(id))).toArray(CompletableFuture[]::new))
                    .join();
        } catch (RuntimeException e) {
            q.close();
            throw e;
        }
        return q;
    }

    /** Every node's {@code host:port}, for {@code bootstrap.servers} (stopped nodes too: clients skip them). */
    public String bootstrapServers() {
        return IntStream.of(brokerPorts).mapToObj(p -> HOST + ":" + p).collect(Collectors.joining(","));
    }

    /** The number of nodes. */
    public int size() {
        return nodes.length;
    }

    /** Shuts node {@code id} (1-based) down cleanly; its data directory stays. */
    public void stop(int id) {
        AutoCloseable node = take(id);
        try {
            if (node != null) {
                node.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("stopping node " + id, e);
        }
    }

    /** Kills node {@code id} (1-based) as a crash does (SIGKILL); only for {@link #startProcesses}. */
    public void kill(int id) {
        if (!processes) {
            throw new IllegalStateException("a node in this JVM cannot be killed alone: startProcesses");
        }
        AutoCloseable node = take(id);
        if (node != null) {
            ((EmbeddedKafkaProcess) node).kill();
        }
    }

    private synchronized AutoCloseable take(int id) {
        AutoCloseable node = nodes[id - 1];
        nodes[id - 1] = null;
        return node;
    }

    /** Starts node {@code id} (1-based) again on its ports and data, or for the first time. */
    public void restart(int id) {
        synchronized (this) {
            if (nodes[id - 1] != null) {
                throw new IllegalStateException("node " + id + " runs");
            }
        }
        Path data = dir.resolve("node-" + id);
        AutoCloseable node;
        if (processes) {
            EmbeddedKafkaProcess.Builder b = EmbeddedKafkaProcess.builder().port(brokerPorts[id - 1]).dataDir(data)
                    .jvmOptions(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                            "-XX:+ExitOnOutOfMemoryError"))
                    .quorumMember(id, controllerPorts[id - 1], voters, clusterId);
            properties.forEach(b::brokerProperty);
            node = b.start();
        } else {
            node = EmbeddedKafka.builder().port(brokerPorts[id - 1]).dataDir(data)
                    .quorumMember(id, controllerPorts[id - 1], voters, clusterId).brokerProperties(properties).build()
                    .start();
        }
        synchronized (this) {
            nodes[id - 1] = node;
        }
    }

    /** Stops every node. */
    @Override
    public void close() {
        CompletableFuture.allOf(IntStream.rangeClosed(1, nodes.length)
                .mapToObj(id -> CompletableFuture.runAsync(() -> stop(id))).toArray(CompletableFuture[]::new)).join();
    }

    private static int freePortOtherThan(List<Integer> taken) {
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.pick(HOST);
            if (!taken.contains(port)) {
                return port;
            }
        }
        throw new IllegalStateException("cannot find free ports on " + HOST);
    }
}
