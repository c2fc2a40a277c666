package io.dekube.launcher;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dekube up}: the broker (a child process, so Kafka's fatal {@code Exit.halt} cannot take
 * the components down with it, and it can be reached by Kafka's own tools on its fixed port),
 * the bus topics, then every component as verticles of one Vert.x instance. Prints one ready
 * line; stops cleanly on SIGINT/SIGTERM (Ctrl-C). Runs on the main thread, which may block.
 */
final class UpCommand {

  private static final Logger LOG = LoggerFactory.getLogger(UpCommand.class);

  private UpCommand() {
  }

  static void run(UpOptions options) {
    run(new Cluster(options), "up");
  }

  /**
   * {@code ./dekube store}, {@code ./dekube apiserver}, {@code ./dekube scheduler}...: one component in this
   * process against the Kafka of {@code --kafka} (the multi-process and compose forms).
   */
  static void runOne(UpOptions options, String command, Component component) {
    // Decision: the components of a process of their own audit their calls with the apiserver's flags, by default
    // to <data-dir>/audit-<command>.log (the apiserver's own process: audit.log)
    run(new Cluster(options, java.util.List.of(component)).withAuditLog(command.equals("apiserver") ? "audit.log"
        : "audit-" + command + ".log"), command);
  }

  /** True when this JVM writes a class-data archive at its exit (the first {@code up} of a build: see ./dekube). */
  static boolean dumpsClassArchive() {
    return java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
  }

  private static void run(Cluster cluster, String command) {
    cluster.onBrokerGiveUp(message -> {
      System.err.println("dekube: " + message);
      // exit from a thread of its own: the shutdown hook stops the cluster, which closes the supervisor calling us;
      // without a broker the ordered stop has nothing to save, so it may not hold the exit up for long
      Thread watchdog = new Thread(() -> {
        try {
          Thread.sleep(20_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        Runtime.getRuntime().halt(1);
      }, "dekube-exit-watchdog");
      watchdog.setDaemon(true);
      watchdog.start();
      new Thread(() -> System.exit(1), "dekube-exit").start();
    });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      cluster.stop();
      System.out.println("dekube stopped");
      if (dumpsClassArchive()) { // the JVM writes it after this hook: say why the exit takes a moment longer
        System.out.println("dekube: saving the class-data archive that makes the next starts faster (once per build)");
      }
      stopped.countDown();
    }, "dekube-shutdown"));
    try {
      Cluster.Endpoints endpoints = cluster.start();
      System.out.println(endpoints.readyLine());
    } catch (LaunchException e) { // its message says it all
      System.err.println("dekube: " + command + " failed: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      java.net.BindException inUse = io.dekube.core.net.Bind.find(e);
      if (inUse != null) { // which port, and what to do: no stack trace
        System.err.println("dekube: " + command + " failed: " + inUse.getMessage() + " (another dekube or Kubernetes on"
            + " this host? ./dekube help lists the port flags)");
        System.exit(1);
      }
      LOG.error("dekube {} failed: {}", command, e.toString(), e);
      System.err.println("dekube: " + command + " failed: " + (e.getMessage() == null ? e : e.getMessage()));
      System.exit(1);
    }
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
