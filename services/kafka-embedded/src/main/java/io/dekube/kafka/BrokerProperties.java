package io.dekube.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker configuration of a single-node, combined broker+controller KRaft server.
 *
 * <p>The defaults are tuned for one node on a small machine and were measured for dekube's
 * transactional writer loop (see DESIGN.md, "Writer rules"); {@code extra} properties win over
 * them. Stateless, thread-safe.
 */
final class BrokerProperties {

    static final int NODE_ID = 1;
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    private BrokerProperties() {
    }

    static Map<String, String> build(String host, int port, int controllerPort, Path dataDir,
                                     Map<String, String> extra) {
        return build(NODE_ID, null, host, port, controllerPort, dataDir, extra);
    }

    /**
     * As {@link #build(String, int, int, Path, Map)} for node {@code nodeId} of a static quorum
     * ({@code voters}: {@code id@host:port,...}; {@code null}: this node alone). The internal topics'
     * replication settings are a single node's; a cluster's members pass theirs in {@code extra}.
     */
    static Map<String, String> build(int nodeId, String voters, String host, int port, int controllerPort,
                                     Path dataDir, Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>();
        // KRaft: a node that is both broker and (static) controller
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(nodeId));
        p.put("controller.quorum.voters", voters != null ? voters : nodeId + "@" + host + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + host + ":" + port + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + port);
        p.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dataDir.toAbsolutePath().toString());

        // one node: every internal topic with replication factor 1
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "4");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");

        // transactions: without this every transaction waits ~20 ms for AddPartitionsToTxn retries
        p.put("add.partitions.to.txn.retry.backoff.ms", "1");
        // abort a frozen writer's transaction ~1 s after its transaction.timeout.ms
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        p.put("transaction.remove.expired.transaction.cleanup.interval.ms", "60000");

        // restart after a kill: the restarted controller keeps the dead incarnation's registration
        // until its session times out (DUPLICATE_BROKER_REGISTRATION meanwhile), 9 s by default, the
        // largest part of a restart; heartbeats every 0.5 s keep a 4 s session safe from short pauses
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "4000");

        // idle cost: the active controller appends a no-op record to the metadata log every 500 ms by
        // default so that readers see its high watermark move; one node that is its own only reader
        // needs that rarely, and each append is a metadata-log write and flush
        p.put("metadata.max.idle.interval.ms", "5000");

        // topics and groups
        p.put("num.partitions", "1");
        p.put("auto.create.topics.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");

        // threads for a 2-core machine (defaults 3 network, 8 I/O, 10 background)
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");

        // memory: the cleaner's dedupe buffer is 128 MB on heap by default, held for the broker's
        // life. 2 MB map ~78,000 keys (24 bytes each) per cleaning pass; a topic with more dirty keys
        // is cleaned in several passes (Kafka stops a pass where the map is full). At 8 MB it was the
        // largest object of an idle broker's heap.
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));

        p.putAll(extra);
        return p;
    }
}
