package io.dekube.kubelet.images.redis;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Redis's log lines: {@code 1:M 06 Dec 2026 12:00:00.123 * Ready to accept connections} — pid 1, the role
 * ({@code C} while reading the config, {@code M} master, {@code S} replica), the time in UTC, the level's mark
 * ({@code .} debug, {@code -} verbose, {@code *} notice, {@code #} warning) and the message. Thread-safe.
 */
final class RedisLog {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss.SSS",
      Locale.ROOT).withZone(ZoneOffset.UTC);
  private final Consumer<String> sink;
  private volatile char role = 'C';

  /** Lines go to {@code sink}, each ending with a newline. */
  RedisLog(Consumer<String> sink) {
    this.sink = sink;
  }

  void role(char role) {
    this.role = role;
  }

  void notice(String message) {
    sink.accept(line(role, '*', Instant.now(), message));
  }

  void warning(String message) {
    sink.accept(line(role, '#', Instant.now(), message));
  }

  static String line(char role, char level, Instant time, String message) {
    return "1:" + role + " " + TIME.format(time) + " " + level + " " + message + "\n";
  }
}
