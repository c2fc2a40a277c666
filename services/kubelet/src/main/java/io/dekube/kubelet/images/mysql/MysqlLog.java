package io.dekube.kubelet.images.mysql;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The lines the official image prints: its entrypoint's notes on stdout and errors on stderr
 * ({@code 2026-12-06 12:00:00+00:00 [Note] [Entrypoint]: Initializing database files}), and mysqld's error log on
 * stderr — from 8.0 {@code 2026-12-06T12:00:00.123456Z 0 [System] [MY-010931] [Server] ...}, before it
 * {@code 2026-12-06T12:00:00.123456Z 0 [Note] ...}. Thread-safe.
 */
final class MysqlLog {

  private static final DateTimeFormatter ENTRYPOINT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ssxxx",
      Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter SERVER = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'",
      Locale.ROOT).withZone(ZoneOffset.UTC);
  private final MysqlVersion version;
  private final Consumer<String> stdout;
  private final Consumer<String> stderr;

  MysqlLog(MysqlVersion version, Consumer<String> stdout, Consumer<String> stderr) {
    this.version = version;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** An entrypoint note. */
  void note(String text) {
    stdout.accept(ENTRYPOINT.format(Instant.now()) + " [Note] [Entrypoint]: " + text + "\n");
  }

  /** An entrypoint warning. */
  void warn(String text) {
    stderr.accept(ENTRYPOINT.format(Instant.now()) + " [Warn] [Entrypoint]: " + text + "\n");
  }

  /** The entrypoint's error, after which it exits with 1. */
  void error(String text) {
    stderr.accept(ENTRYPOINT.format(Instant.now()) + " [ERROR] [Entrypoint]: " + text + "\n");
  }

  /** A blank line of the entrypoint. */
  void blank() {
    stdout.accept("\n");
  }

  /** A line of mysqld's log: {@code code} is its MY- number (8.0 on), {@code level} System, Warning or Note. */
  void server(String level, String code, String text) {
    server(level, code, "Server", text);
  }

  /** As above, from {@code component} ({@code Repl} for replication's lines, 8.0 on). */
  void server(String level, String code, String component, String text) {
    String time = SERVER.format(Instant.now());
    stderr.accept(version.major() >= 8 ? time + " 0 [" + level + "] [MY-" + code + "] [" + component + "] " + text
        + "\n" : time + " 0 [" + (level.equals("System") ? "Note" : level) + "] " + text + "\n");
  }

  /** The version the entrypoint names ({@code MYSQL_VERSION} of the image: {@code 9.1.0-1.el9}). */
  String packageVersion() {
    return version.number() + (version.major() >= 8 ? "-1.el9" : "-1.el7");
  }

  /** mysqld's line saying it listens, the one readiness scripts wait for. */
  void ready(int port) {
    if (version.major() >= 8) {
      server("System", "010931", "/usr/sbin/mysqld: ready for connections. Version: '" + version.number()
          + "'  socket: '" + MysqlVersion.SOCKET + "'  port: " + port + "  " + version.comment() + ".");
    } else {
      server("Note", "", "mysqld: ready for connections.");
      stderr.accept("Version: '" + version.number() + "'  socket: '" + MysqlVersion.SOCKET + "'  port: " + port + "  "
          + version.comment() + "\n");
    }
  }
}
