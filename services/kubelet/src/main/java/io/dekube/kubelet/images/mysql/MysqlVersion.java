package io.dekube.kubelet.images.mysql;

/**
 * The MySQL server version an image tag names ({@code mysql:9} is 9.1.0, {@code 8.0} 8.0.40, {@code 8} and
 * {@code 8.4} 8.4.3, {@code 5.7} 5.7.44, {@code 5.6} 5.6.51; a full {@code x.y.z} itself; {@code latest} as 9) and
 * what differs by it: the default authentication plugin ({@code caching_sha2_password} from 8.0, before it
 * {@code mysql_native_password}), the version comment. Immutable.
 */
record MysqlVersion(String number, int major, int minor) {

  /** The server's socket file, as the official image configures it. */
  static final String SOCKET = "/var/run/mysqld/mysqld.sock";

  /** The version {@code tag} names ({@code 8.0-debian}, {@code 8.0.36-oracle} count by their number). */
  static MysqlVersion of(String tag) {
    String t = tag == null ? "" : tag.split("-", 2)[0];
    String number;
    if (t.matches("\\d+\\.\\d+\\.\\d+")) {
      number = t;
    } else {
      number = switch (t) {
        case "8.0" -> "8.0.40";
        case "8", "8.4" -> "8.4.3";
        case "5.7", "5" -> "5.7.44";
        case "5.6" -> "5.6.51";
        case "5.5" -> "5.5.62";
        case "9.0" -> "9.0.1";
        default -> t.matches("\\d+\\.\\d+") ? t + ".0" : "9.1.0";
      };
    }
    String[] parts = number.split("\\.");
    return new MysqlVersion(number, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
  }

  /** The plugin new accounts use and the handshake names. */
  String defaultPlugin() {
    return major >= 8 ? Scramble.CACHING_SHA2 : Scramble.NATIVE;
  }

  /** {@code @@version_comment}, as the client's banner shows it after the version. */
  String comment() {
    return major >= 8 ? "MySQL Community Server - GPL" : "MySQL Community Server (GPL)";
  }

  /** The client programs' version line: {@code mysql  Ver 9.1.0 for Linux on x86_64 (MySQL Community Server - GPL)}. */
  String clientVersion(String program) {
    return major >= 8 ? "/usr/bin/" + program + "  Ver " + number + " for Linux on x86_64 (" + comment() + ")"
        : program + "  Ver 14.14 Distrib " + number + ", for Linux (x86_64) using  EditLine wrapper";
  }
}
