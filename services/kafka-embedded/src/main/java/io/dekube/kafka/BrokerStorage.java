package io.dekube.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * Formats a KRaft data directory the way {@code kafka-storage.sh format} does, once.
 *
 * <p>A directory that already holds {@code meta.properties} is left alone, so its cluster id,
 * directory id and data survive a restart. Stateless, thread-safe (callers must not format the
 * same directory concurrently).
 */
final class BrokerStorage {

    private BrokerStorage() {
    }

    /**
     * Formats {@code dataDir} for {@code nodeId} unless it is formatted already.
     *
     * @return the cluster id stored in the directory
     */
    static String formatIfNeeded(Path dataDir, int nodeId, String controllerListener) throws Exception {
        return formatIfNeeded(dataDir, nodeId, controllerListener, null);
    }

    /**
     * As {@link #formatIfNeeded(Path, int, String)}, for a member of a cluster: every node's directory is formatted
     * with the cluster's id ({@code null}: a new one).
     */
    static String formatIfNeeded(Path dataDir, int nodeId, String controllerListener, String clusterIdOrNull)
            throws Exception {
        Path meta = dataDir.resolve(MetaPropertiesEnsemble.META_PROPERTIES_NAME);
        if (Files.exists(meta)) {
            return readClusterId(meta);
        }
        Files.createDirectories(dataDir);
        String clusterId = clusterIdOrNull != null ? clusterIdOrNull : Uuid.randomUuid().toString();
        String dir = dataDir.toAbsolutePath().toString();
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .setNodeId(nodeId)
                .setClusterId(clusterId)
                .setControllerListenerName(controllerListener)
                .setMetadataLogDirectory(dir)
                .addDirectory(dir)
                .run();
        return clusterId;
    }

    private static String readClusterId(Path meta) throws IOException {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(meta)) {
            props.load(in);
        }
        String clusterId = props.getProperty("cluster.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw new IOException(meta + " has no cluster.id");
        }
        return clusterId;
    }
}
