package io.dekube.kubelet.images.cassandra;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.time.format.DateTimeFormatter;

/**
 * Cassandra's log on the container's stdout, in the pattern of its {@code logback.xml} console appender
 * ({@code %-5level [%thread] %date{ISO8601} %F:%L - %msg%n}):
 * {@code INFO  [main] 2026-12-07 04:10:36,640 StorageService.java:2289 - Node /127.244.1.5 state jump to NORMAL}.
 * The file and line are where 3.11 logs that message. Thread-safe.
 */
final class CassandraLog {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");
  private final JvmContainer c;
  private final Clock clock;

  CassandraLog(JvmContainer c, Clock clock) {
    this.c = c;
    this.clock = clock;
  }

  void info(String thread, String where, String message) {
    log("INFO", thread, where, message);
  }

  void warn(String thread, String where, String message) {
    log("WARN", thread, where, message);
  }

  void error(String thread, String where, String message) {
    log("ERROR", thread, where, message);
  }

  private void log(String level, String thread, String where, String message) {
    c.output("stdout", Buffer.buffer(line(level, thread, TIME.format(clock.instant().atZone(clock.getZone())), where,
        message)));
  }

  /** One line of the pattern. */
  static String line(String level, String thread, String time, String where, String message) {
    return String.format("%-5s [%s] %s %s - %s%n", level, thread, time, where, message);
  }
}
