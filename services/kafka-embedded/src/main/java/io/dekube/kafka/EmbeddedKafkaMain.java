package io.dekube.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an {@link EmbeddedKafka} as a process of its own.
 *
 * <pre>
 * java -cp ... io.dekube.kafka.EmbeddedKafkaMain --port N --data DIR [--host H] [--exit-on-stdin-eof]
 *     [--property KEY=VALUE]... [--quorum-member NODE_ID CONTROLLER_PORT VOTERS CLUSTER_ID]
 * </pre>
 *
 * <p>Prints exactly one line {@value #READY_PREFIX}{@code <host:port>} on stdout once the broker
 * answers, and nothing else on stdout (Kafka's own logging goes to stderr). SIGTERM (or any normal
 * JVM exit) shuts the broker down cleanly through a shutdown hook. With
 * {@code --exit-on-stdin-eof} the broker also stops when stdin reaches end of file, which is how a
 * child started by {@link EmbeddedKafkaProcess} notices that its parent died, even by SIGKILL.
 * Exit code 1: the broker did not start; 2: bad arguments.
 *
 * <p>Unless {@code log4j2.configurationFile} is given, logging uses the bundled
 * {@code dekube-kafka-log4j2.xml} (WARN for Kafka, INFO for io.dekube, on stderr) when Log4j 2 is
 * the SLF4J backend on the classpath.
 */
public final class EmbeddedKafkaMain {

    /** The start of the line printed on stdout when the broker is ready. */
    public static final String READY_PREFIX = "KAFKA READY ";

    private EmbeddedKafkaMain() {
    }

    /** Entry point; see the class documentation for the arguments. */
    public static void main(String[] args) throws InterruptedException {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "dekube-kafka-log4j2.xml");
        }
        // Kafka and its clients must not write on stdout: the READY line is the protocol.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        EmbeddedKafka.Builder builder = EmbeddedKafka.builder();
        boolean exitOnStdinEof = false;
        boolean hasData = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--port" -> builder.port(Integer.parseInt(args[++i]));
                    case "--host" -> builder.host(args[++i]);
                    case "--data" -> {
                        builder.dataDir(Path.of(args[++i]));
                        hasData = true;
                    }
                    case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                    case "--quorum-member" -> {
                        // NODE_ID CONTROLLER_PORT VOTERS CLUSTER_ID: a node of an EmbeddedKafkaQuorum
                        builder.quorumMember(Integer.parseInt(args[i + 1]), Integer.parseInt(args[i + 2]), args[i + 3],
                                args[i + 4]);
                        i += 4;
                    }
                    case "--property" -> {
                        String kv = args[++i];
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--property KEY=VALUE, got " + kv);
                        }
                        builder.brokerProperty(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            if (!hasData) {
                throw new IllegalArgumentException("--data DIR is required");
            }
        } catch (RuntimeException e) {
            System.err.println("usage: EmbeddedKafkaMain --port N --data DIR [--host H] [--exit-on-stdin-eof]: "
                    + e.getMessage());
            System.exit(2);
            return;
        }

        EmbeddedKafka kafka = builder.build();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "dekube-kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            kafka.start();
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
            return;
        }
        stdout.println(READY_PREFIX + kafka.bootstrapServers());
        stdout.flush();

        if (exitOnStdinEof) {
            watchStdin();
        }
        stopped.await();
    }

    /** Exits the JVM (and so stops the broker through the hook) when stdin reaches EOF. */
    private static void watchStdin() {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            byte[] buf = new byte[256];
            try {
                while (in.read(buf) >= 0) {
                    // the parent writes nothing; anything it does write is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the parent is gone too
            }
            System.err.println("stdin closed: parent gone, stopping Kafka");
            System.exit(0);
        }, "dekube-kafka-stdin-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
