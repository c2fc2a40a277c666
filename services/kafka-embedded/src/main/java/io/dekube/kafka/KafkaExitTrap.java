package io.dekube.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Kafka's in-process {@code Exit.exit}/{@code Exit.halt} calls into exceptions, for tests.
 *
 * <p>Kafka's fatal fault handlers (a failed metadata load, a log directory failure, ...) call
 * {@link org.apache.kafka.common.utils.Exit#halt(int, String)}, which by default halts the whole
 * JVM at once, without running shutdown hooks. In production that is what we want, so nothing here
 * is installed by default: run the broker as its own process ({@link EmbeddedKafkaProcess}) to keep
 * a broker failure from taking the caller down. In a test JVM, a halt kills the surefire fork and
 * loses the report, so {@link KafkaBrokerExtension} installs this trap: the calling Kafka thread
 * gets an {@link IllegalStateException} instead, and the request is recorded in {@link #requests()}.
 *
 * <p>The procedures are JVM-global (Kafka keeps them in static fields). Thread-safe.
 */
public final class KafkaExitTrap {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaExitTrap.class);
    private static final List<String> REQUESTS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private KafkaExitTrap() {
    }

    /** Installs the trap for both {@code exit} and {@code halt}; idempotent. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        Exit.setExitProcedure((code, message) -> trapped("exit", code, message));
        Exit.setHaltProcedure((code, message) -> trapped("halt", code, message));
        installed = true;
    }

    /** Restores Kafka's default procedures (really exit/halt the JVM); idempotent. */
    public static synchronized void uninstall() {
        if (!installed) {
            return;
        }
        Exit.resetExitProcedure();
        Exit.resetHaltProcedure();
        installed = false;
    }

    /** Whether the trap is currently installed. */
    public static synchronized boolean isInstalled() {
        return installed;
    }

    /** The exit/halt requests trapped so far, e.g. {@code "halt(1): <message>"}; a snapshot. */
    public static List<String> requests() {
        return List.copyOf(REQUESTS);
    }

    private static void trapped(String kind, int code, String message) {
        String request = kind + "(" + code + "): " + message;
        REQUESTS.add(request);
        LOG.error("Kafka requested {} — trapped, the JVM keeps running", request);
        throw new IllegalStateException("Kafka requested " + request);
    }
}
