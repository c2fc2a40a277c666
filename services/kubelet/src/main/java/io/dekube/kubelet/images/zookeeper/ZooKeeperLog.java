package io.dekube.kubelet.images.zookeeper;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * ZooKeeper's log lines in the log of the container whose server wrote them, in the image's log4j pattern
 * ({@link #PATTERN}: {@code 2016-12-06 19:34:16,236 [myid:1] - INFO  [thread:Class@line] - message}). Each server
 * runs in its own {@link ServerThreads} group, which every thread it starts inherits; an appender on the
 * {@code org.apache.zookeeper} logger (not additive: the kubelet's own log stays free of them) hands each event to
 * the group of the thread that logs it. Lines from threads of no server (the {@code zkCli.sh} client's) are
 * dropped. Does nothing where log4j's core is not the logging backend. Thread-safe.
 */
final class ZooKeeperLog {

  /** The image's {@code log4j.appender.CONSOLE.layout.ConversionPattern}. */
  static final String PATTERN = "%d{ISO8601} [myid:%X{myid}] - %-5p [%t:%C{1}@%L] - %m%n";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS")
      .withZone(ZoneOffset.UTC);
  private static boolean installed;

  private ZooKeeperLog() {
  }

  /** The threads of one server: where their log lines go, at which level and above. */
  static final class ServerThreads extends ThreadGroup {
    private final long myId;
    private final Level threshold;
    private final Consumer<String> sink;

    ServerThreads(String name, long myId, String logLevel, Consumer<String> sink) {
      super(name);
      setDaemon(true); // gone with its last thread: a stopped server's group holds its container no longer
      this.myId = myId;
      this.threshold = Level.toLevel(logLevel, Level.INFO);
      this.sink = sink;
    }
  }

  /** Routes ZooKeeper's logging to the servers' containers, once per JVM. */
  static synchronized void install() {
    if (installed || !(LogManager.getContext(false) instanceof LoggerContext context)) {
      return;
    }
    installed = true;
    Configuration config = context.getConfiguration();
    AbstractAppender router = new AbstractAppender("dekube-zookeeper", null, null, true, Property.EMPTY_ARRAY) {
      @Override
      public void append(LogEvent event) {
        ServerThreads server = serverOf(Thread.currentThread().getThreadGroup());
        if (server != null && event.getLevel().isMoreSpecificThan(server.threshold)) {
          server.sink.accept(line(event, server.myId));
        }
      }
    };
    router.start();
    config.addAppender(router);
    LoggerConfig logger = LoggerConfig.newBuilder().withLoggerName("org.apache.zookeeper").withLevel(Level.INFO)
        .withAdditivity(false).withIncludeLocation("true").withRefs(new AppenderRef[0]).withConfig(config).build();
    logger.addAppender(router, null, null);
    config.addLogger("org.apache.zookeeper", logger);
    context.updateLoggers();
  }

  private static ServerThreads serverOf(ThreadGroup g) {
    for (ThreadGroup t = g; t != null; t = t.getParent()) {
      if (t instanceof ServerThreads s) {
        return s;
      }
    }
    return null;
  }

  /** One event as the image's pattern prints it, with its exception's stack trace after it. */
  static String line(LogEvent event, long myId) {
    StackTraceElement source = event.getSource();
    String where = source == null ? "?" : simpleName(source.getClassName()) + "@" + source.getLineNumber();
    StringBuilder b = new StringBuilder(TIME.format(Instant.ofEpochMilli(event.getTimeMillis())))
        .append(" [myid:").append(myId).append("] - ")
        .append(String.format("%-5s", event.getLevel().name()))
        .append(" [").append(event.getThreadName()).append(':').append(where).append("] - ")
        .append(event.getMessage().getFormattedMessage()).append('\n');
    if (event.getThrown() != null) {
      StringWriter trace = new StringWriter();
      event.getThrown().printStackTrace(new PrintWriter(trace));
      b.append(trace);
    }
    return b.toString();
  }

  private static String simpleName(String className) {
    String s = className.substring(className.lastIndexOf('.') + 1);
    int inner = s.indexOf('$');
    return inner > 0 ? s.substring(0, inner) : s;
  }
}
