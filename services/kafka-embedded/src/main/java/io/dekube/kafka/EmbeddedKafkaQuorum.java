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
 * <p>Ports are fixed at the start (a node comes back on its own); data directories are {@code dir/node-<id>}.
 * Thread-safety: the methods are synchronized.
 */
public final class EmbeddedKafkaQuorum implements AutoCloseable {

    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final String clusterId;
    private final String voters;
    private final int[] brokerPorts;
    private final int[] controllerPorts;
    private final Map<String, String> properties;
    private final EmbeddedKafka[] nodes;

    private EmbeddedKafkaQuorum(Path dir, int size) {
        this.dir = dir;
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
        this.nodes = new EmbeddedKafka[size];
    }

    /**
     * Formats and starts {@code size} nodes under {@code dir} and waits until each answers (they start side by side:
     * a node's broker waits for the quorum to elect a leader).
     */
    public static EmbeddedKafkaQuorum start(Path dir, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size " + size);
        }
        EmbeddedKafkaQuorum q = new EmbeddedKafkaQuorum(dir.toAbsolutePath(), size);
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
        EmbeddedKafka node;
        synchronized (this) {
            node = nodes[id - 1];
            nodes[id - 1] = null;
        }
        if (node != null) {
            node.close();
        }
    }

    /** Starts node {@code id} (1-based) again on its ports and data, or for the first time. */
    public void restart(int id) {
        EmbeddedKafka node = EmbeddedKafka.builder().port(brokerPorts[id - 1]).dataDir(dir.resolve("node-" + id))
                .quorumMember(id, controllerPorts[id - 1], voters, clusterId).brokerProperties(properties).build();
        synchronized (this) {
            if (nodes[id - 1] != null) {
                throw new IllegalStateException("node " + id + " runs");
            }
            nodes[id - 1] = node;
        }
        node.start();
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
