package io.dekube.kafka;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link EmbeddedKafkaMain} as a child JVM on the current classpath: a broker whose fatal
 * {@code Exit.halt} cannot take the caller down.
 *
 * <pre>{@code
 * try (EmbeddedKafkaProcess kafka = EmbeddedKafkaProcess.builder().dataDir(dir).start()) {
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} launches {@code <java> <jvm options> -cp <java.class.path>
 * io.dekube.kafka.EmbeddedKafkaMain --host H --port N --data DIR --exit-on-stdin-eof} and blocks
 * until the child prints its {@code KAFKA READY host:port} line. Everything else the child writes
 * (stdout and stderr) is appended to a log file next to the data directory,
 * {@code <dataDir>/../<dataDir name>.log} by default. {@link #close()} sends SIGTERM, waits for the
 * clean shutdown and kills the child after the stop timeout. The child also stops when this JVM
 * exits: normally through a shutdown hook, and even after a SIGKILL of this JVM because the child
 * watches its stdin pipe for end of file.
 *
 * <p>Thread-safe: the accessors may be called from any thread, {@link #close()} is idempotent.
 */
public final class EmbeddedKafkaProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaProcess.class);

    private final Process process;
    private final String bootstrapServers;
    private final Path logFile;
    private final Duration stopTimeout;
    private final Thread shutdownHook;
    private boolean closed;

    private EmbeddedKafkaProcess(Process process, String bootstrapServers, Path logFile, Duration stopTimeout,
                                 boolean stopWithJvm) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.logFile = logFile;
        this.stopTimeout = stopTimeout;
        this.shutdownHook = stopWithJvm ? new Thread(() -> stop(process, stopTimeout), "dekube-kafka-child-stop")
                : null;
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Returns a new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** {@code host:port} of the child's broker, as printed in its READY line. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The child's process id. */
    public long pid() {
        return process.pid();
    }

    /** The file the child's output goes to. */
    public Path logFile() {
        return logFile;
    }

    /** Completes with the child's exit code when it exits, however it ends (the JDK's {@code onExit}). */
    public CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    /** The last {@code lines} lines of the child's log file. */
    public String logTail(int lines) {
        return Builder.tail(logFile, lines);
    }

    /** Whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Stops the child: SIGTERM, wait up to the stop timeout, then SIGKILL. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        unhook();
        stop(process, stopTimeout);
    }

    /** Kills the child at once (SIGKILL), as a crash would: nothing of it shuts down cleanly. Idempotent. */
    public synchronized void kill() {
        if (closed) {
            return;
        }
        closed = true;
        unhook();
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void unhook() {
        try {
            if (shutdownHook != null) {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
        } catch (IllegalStateException e) {
            // the JVM is shutting down; the hook does the same work
        }
    }

    private static void stop(Process process, Duration timeout) {
        if (!process.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Kafka child {} did not stop within {}, killing it", process.pid(), timeout);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } else {
                LOG.info("Kafka child {} stopped (exit {}) in {} ms", process.pid(), process.exitValue(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Configuration of an {@link EmbeddedKafkaProcess}. Not thread-safe; use from one thread. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Path dataDir;
        private Path logFile;
        private String classpath = System.getProperty("java.class.path");
        private List<String> jvmOptions = List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError");
        private Duration readyTimeout = Duration.ofSeconds(90);
        /** How often {@link #start()} says the child is still starting. */
        private static final Duration PROGRESS = Duration.ofSeconds(30);
        private Duration stopTimeout = Duration.ofSeconds(30);
        private boolean stopWithJvm = true;
        private final List<String> extraArgs = new ArrayList<>();

        private Builder() {
        }

        /** Sets (or overrides) one broker property of the child. */
        public Builder brokerProperty(String key, String value) {
            extraArgs.addAll(List.of("--property", key + "=" + value));
            return this;
        }

        /** Makes the child node {@code nodeId} of a static quorum; see {@link EmbeddedKafka.Builder#quorumMember}. */
        Builder quorumMember(int nodeId, int controllerPort, String voters, String clusterId) {
            extraArgs.addAll(List.of("--quorum-member", Integer.toString(nodeId), Integer.toString(controllerPort),
                    voters, clusterId));
            return this;
        }

        /**
         * Whether a JVM shutdown hook of its own stops the child (default true). An owner with an
         * ordered shutdown of its own (its clients leave their groups, then the broker stops) passes
         * false and calls {@link #close()} last: shutdown hooks run at the same time, so a hook here
         * would stop the broker under the clients. The child still stops when this JVM dies (stdin EOF).
         */
        public Builder stopWithJvm(boolean stop) {
            this.stopWithJvm = stop;
            return this;
        }

        /** The host to listen on and advertise; default {@code 127.0.0.1}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** The broker port set so far (0: the child picks one). */
        int port() {
            return port;
        }

        /** The broker port; 0 (the default) lets the child pick a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The broker's data directory (required); see {@link EmbeddedKafka}. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
            return this;
        }

        /** Where the child's output goes; default {@code <dataDir name>.log} next to the data dir. */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        /** The child's classpath; default this JVM's {@code java.class.path}. */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /** JVM options of the child; default {@code -Xmx1g -XX:+ExitOnOutOfMemoryError}. */
        public Builder jvmOptions(List<String> options) {
            this.jvmOptions = List.copyOf(options);
            return this;
        }

        /** How long to wait for the READY line; default 90 s. */
        public Builder readyTimeout(Duration timeout) {
            this.readyTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /** How long {@code close()} waits after SIGTERM before killing; default 30 s. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * Starts the child and blocks until it is ready.
         *
         * @throws IllegalStateException if the child exits or stays silent past the ready timeout;
         *                               the message carries the end of its log
         */
        public EmbeddedKafkaProcess start() {
            Objects.requireNonNull(dataDir, "dataDir");
            Path log = logFile != null ? logFile : defaultLogFile(dataDir);
            List<String> command = new ArrayList<>();
            command.add(javaBinary());
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(classpath);
            command.add(EmbeddedKafkaMain.class.getName());
            command.addAll(List.of("--host", host, "--port", Integer.toString(port),
                    "--data", dataDir.toString(), "--exit-on-stdin-eof"));
            command.addAll(extraArgs);
            Process process;
            try {
                Files.createDirectories(log.toAbsolutePath().getParent());
                Files.writeString(log, "=== " + Instant.now() + " starting Kafka child: "
                                + String.join(" ", command.subList(0, 1)) + " ... --data " + dataDir + "\n",
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                process = new ProcessBuilder(command)
                        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the Kafka child process", e);
            }
            CompletableFuture<String> ready = new CompletableFuture<>();
            Thread pump = new Thread(() -> pumpStdout(process, log, ready), "dekube-kafka-child-out-" + process.pid());
            pump.setDaemon(true);
            pump.start();
            try {
                String bootstrap = awaitReady(process, ready);
                LOG.info("Kafka child {} ready on {} (log {})", process.pid(), bootstrap, log);
                return new EmbeddedKafkaProcess(process, bootstrap, log, stopTimeout, stopWithJvm);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                stop(process, Duration.ofSeconds(5));
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("Kafka child did not become ready within " + readyTimeout
                        + " (exit " + (process.isAlive() ? "-" : process.exitValue()) + "); end of " + log + ":\n"
                        + tail(log, 40), e);
            }
        }

        /**
         * Waits for the child's ready line up to the ready timeout, saying every {@link #PROGRESS} that it is still
         * starting (a first start on a loaded machine, without the class-data archive, can take minutes), so a
         * slow start is not mistaken for a hung one.
         */
        private String awaitReady(Process process, CompletableFuture<String> ready)
                throws InterruptedException, ExecutionException, TimeoutException {
            long start = System.nanoTime();
            long deadline = start + readyTimeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new TimeoutException();
                }
                try {
                    return ready.get(Math.min(left, PROGRESS.toNanos()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    if (System.nanoTime() < deadline && process.isAlive()) {
                        LOG.info("Kafka child {} still starting after {} s (load average {}); waiting up to {} s",
                                process.pid(), Duration.ofNanos(System.nanoTime() - start).toSeconds(),
                                loadAverage(), readyTimeout.toSeconds());
                    }
                }
            }
        }

        /** The machine's load averages over 1, 5 and 15 minutes ({@code /proc/loadavg}), or "unknown". */
        public static String loadAverage() {
            try {
                String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
                return parts[0] + " " + parts[1] + " " + parts[2];
            } catch (IOException | RuntimeException e) {
                return "unknown";
            }
        }

        private static void pumpStdout(Process process, Path log, CompletableFuture<String> ready) {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                         StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                for (String line; (line = in.readLine()) != null; ) {
                    if (!ready.isDone() && line.startsWith(EmbeddedKafkaMain.READY_PREFIX)) {
                        ready.complete(line.substring(EmbeddedKafkaMain.READY_PREFIX.length()).trim());
                    } else {
                        out.write(line);
                        out.newLine();
                        out.flush();
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("Kafka child closed its stdout"));
        }

        private static Path defaultLogFile(Path dataDir) {
            Path parent = dataDir.getParent() != null ? dataDir.getParent() : dataDir;
            return parent.resolve(dataDir.getFileName() + ".log");
        }

        private static String javaBinary() {
            return ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        }

        private static String tail(Path log, int count) {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
            } catch (IOException e) {
                return "(cannot read: " + e + ")";
            }
        }
    }
}
