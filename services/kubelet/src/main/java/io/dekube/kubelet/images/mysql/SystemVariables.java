package io.dekube.kubelet.images.mysql;

import java.util.Locale;
import java.util.Map;

/**
 * The server's system variables a client reads ({@code @@version}, {@code @@version_comment}, and what
 * Connector/J asks at connect: {@code auto_increment_increment}, the character sets, {@code max_allowed_packet},
 * {@code sql_mode}, {@code transaction_isolation}…), as the image's server has them. Values are strings or
 * numbers. The server's options set some ({@code server_id}, {@code log_bin}, {@code super_read_only}) and
 * {@code SET GLOBAL} a few ({@link #set}). Thread-safe.
 */
final class SystemVariables {

  private final Map<String, Object> values = new java.util.concurrent.ConcurrentSkipListMap<>();

  SystemVariables(MysqlVersion version, int port, String hostname) {
    boolean modern = version.major() >= 8;
    values.put("version", version.number());
    values.put("version_comment", version.comment());
    values.put("port", port);
    values.put("hostname", hostname);
    values.put("socket", MysqlVersion.SOCKET);
    values.put("datadir", "/var/lib/mysql/");
    values.put("auto_increment_increment", 1);
    values.put("auto_increment_offset", 1);
    values.put("autocommit", 1);
    String charset = modern ? "utf8mb4" : "latin1";
    values.put("character_set_client", charset);
    values.put("character_set_connection", charset);
    values.put("character_set_results", charset);
    values.put("character_set_server", charset);
    values.put("character_set_database", charset);
    values.put("character_set_system", modern ? "utf8mb3" : "utf8");
    String collation = modern ? "utf8mb4_0900_ai_ci" : "latin1_swedish_ci";
    values.put("collation_server", collation);
    values.put("collation_connection", collation);
    values.put("collation_database", collation);
    values.put("init_connect", "");
    values.put("interactive_timeout", 28800);
    values.put("wait_timeout", 28800);
    values.put("net_write_timeout", 60);
    values.put("license", "GPL");
    values.put("lower_case_table_names", 0);
    values.put("max_allowed_packet", 67108864);
    values.put("max_connections", 151);
    values.put("performance_schema", 1);
    values.put("sql_mode", modern ? "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        + "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION" : "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,"
        + "NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_AUTO_CREATE_USER,NO_ENGINE_SUBSTITUTION");
    values.put("system_time_zone", "UTC");
    values.put("time_zone", "SYSTEM");
    values.put(version.major() >= 8 ? "transaction_isolation" : "tx_isolation", "REPEATABLE-READ");
    values.put("transaction_read_only", 0);
    values.put("tx_read_only", 0);
    values.put("server_id", modern ? 1 : 0);
    values.put("read_only", 0);
    values.put("super_read_only", 0);
    values.put("log_bin", "OFF");
    values.put("binlog_format", "STATEMENT");
    values.put("gtid_mode", "OFF");
    values.put("default_authentication_plugin", version.defaultPlugin());
    values.put("have_ssl", "DISABLED");
    values.put("query_cache_size", 1048576);
    values.put("query_cache_type", "OFF");
  }

  /** The value of {@code name} (case-insensitive), or null when the server has no such variable. */
  Object get(String name) {
    return values.get(name.toLowerCase(Locale.ROOT));
  }

  /** Sets {@code name} (lower case): the server's options at start, {@code SET GLOBAL} after. */
  void set(String name, Object value) {
    values.put(name, value);
  }

  /** Whether the flag {@code name} is on (1, ON). */
  boolean on(String name) {
    Object v = values.get(name);
    return v != null && (v.equals(1) || "1".equals(String.valueOf(v)) || "ON".equalsIgnoreCase(String.valueOf(v)));
  }

  /** All variables, by name. */
  Map<String, Object> all() {
    return values;
  }
}
