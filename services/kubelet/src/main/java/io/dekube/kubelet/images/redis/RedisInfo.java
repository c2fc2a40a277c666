package io.dekube.kubelet.images.redis;

import java.util.List;
import java.util.Locale;

/**
 * {@code INFO [section]}: redis's sections as {@code field:value} lines ending in CRLF — server, clients,
 * memory, persistence, stats, replication (the role, a replica's link to its master, a master's replicas and
 * offsets), cpu, cluster and keyspace. Memory is not measured: the JVM's heap is shared, so {@code used_memory}
 * is an estimate from the keys' sizes. Called under the server's lock.
 */
final class RedisInfo {

  private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
      "replication", "cpu", "cluster", "keyspace");

  private RedisInfo() {
  }

  static String render(RedisServer s, String section) {
    String wanted = section.toLowerCase(Locale.ROOT);
    List<String> sections = wanted.equals("default") || wanted.equals("all") || wanted.equals("everything")
        ? DEFAULT : List.of(wanted);
    StringBuilder b = new StringBuilder();
    for (String name : sections) {
      String text = switch (name) {
        case "server" -> server(s);
        case "clients" -> "# Clients\r\nconnected_clients:" + s.clientCount() + "\r\nblocked_clients:0\r\n";
        case "memory" -> memory(s);
        case "persistence" -> persistence(s);
        case "stats" -> "# Stats\r\ntotal_connections_received:" + s.connectionsReceived
            + "\r\ntotal_commands_processed:" + s.commandsProcessed + "\r\nexpired_keys:0\r\nevicted_keys:0\r\n";
        case "replication" -> replication(s);
        case "cpu" -> "# CPU\r\nused_cpu_sys:0.000000\r\nused_cpu_user:0.000000\r\n";
        case "cluster" -> "# Cluster\r\ncluster_enabled:0\r\n";
        case "keyspace" -> keyspace(s);
        default -> "";
      };
      if (!text.isEmpty()) {
        b.append(b.length() > 0 ? "\r\n" : "").append(text);
      }
    }
    return b.toString();
  }

  private static String server(RedisServer s) {
    long up = s.uptimeSeconds();
    return "# Server\r\n"
        + "redis_version:" + s.options().version() + "\r\n"
        + "redis_git_sha1:00000000\r\n"
        + "redis_git_dirty:0\r\n"
        + "redis_mode:standalone\r\n"
        + "os:Linux x86_64\r\n"
        + "arch_bits:64\r\n"
        + "multiplexing_api:epoll\r\n"
        + "process_id:1\r\n"
        + "run_id:" + s.runId() + "\r\n"
        + "tcp_port:" + s.config().get("port") + "\r\n"
        + "uptime_in_seconds:" + up + "\r\n"
        + "uptime_in_days:" + up / 86400 + "\r\n"
        + "hz:" + s.config().get("hz") + "\r\n"
        + "configured_hz:" + s.config().get("hz") + "\r\n"
        + "executable:/data/redis-server\r\n"
        + "config_file:" + s.config().file() + "\r\n";
  }

  private static String memory(RedisServer s) {
    long[] used = {0};
    s.keyspace().forEach((db, key, value, at) -> used[0] += key.length() + String.valueOf(value).length() + 50);
    long maxmemory = s.config().number("maxmemory");
    return "# Memory\r\n"
        + "used_memory:" + used[0] + "\r\n"
        + "used_memory_human:" + human(used[0]) + "\r\n"
        + "maxmemory:" + maxmemory + "\r\n"
        + "maxmemory_human:" + human(maxmemory) + "\r\n"
        + "maxmemory_policy:" + s.config().get("maxmemory-policy") + "\r\n";
  }

  private static String persistence(RedisServer s) {
    return "# Persistence\r\n"
        + "loading:0\r\n"
        + "rdb_changes_since_last_save:0\r\n"
        + "rdb_bgsave_in_progress:0\r\n"
        + "rdb_last_bgsave_status:ok\r\n"
        + "aof_enabled:" + (s.config().yes("appendonly") ? 1 : 0) + "\r\n"
        + "aof_rewrite_in_progress:0\r\n";
  }

  private static String replication(RedisServer s) {
    Replication r = s.replication();
    StringBuilder b = new StringBuilder("# Replication\r\n");
    MasterLink link = r.link();
    if (link != null) {
      b.append("role:slave\r\n")
          .append("master_host:").append(link.host()).append("\r\n")
          .append("master_port:").append(link.port()).append("\r\n")
          .append("master_link_status:").append(link.up() ? "up" : "down").append("\r\n")
          .append("master_last_io_seconds_ago:").append(link.up() ? link.lastIoSecondsAgo() : -1).append("\r\n")
          .append("master_sync_in_progress:").append(link.syncing() ? 1 : 0).append("\r\n");
      if (!link.up()) {
        b.append("master_link_down_since_seconds:").append(link.downSinceSeconds()).append("\r\n");
      }
      b.append("slave_repl_offset:").append(r.offset()).append("\r\n")
          .append("slave_priority:").append(s.config().get("replica-priority")).append("\r\n")
          .append("slave_read_only:").append(s.config().yes("replica-read-only") ? 1 : 0).append("\r\n");
    } else {
      b.append("role:master\r\n");
    }
    List<Replication.Replica> replicas = r.replicas();
    b.append("connected_slaves:").append(replicas.size()).append("\r\n");
    for (int i = 0; i < replicas.size(); i++) {
      Replication.Replica x = replicas.get(i);
      b.append("slave").append(i).append(":ip=").append(x.ip).append(",port=").append(x.port)
          .append(",state=online,offset=").append(x.ackOffset).append(",lag=")
          .append((System.currentTimeMillis() - x.ackAt) / 1000).append("\r\n");
    }
    boolean backlog = !replicas.isEmpty() || r.offset() > 0;
    b.append("master_replid:").append(r.replid()).append("\r\n")
        .append("master_replid2:0000000000000000000000000000000000000000\r\n")
        .append("master_repl_offset:").append(r.offset()).append("\r\n")
        .append("second_repl_offset:-1\r\n")
        .append("repl_backlog_active:").append(backlog ? 1 : 0).append("\r\n")
        .append("repl_backlog_size:").append(s.config().get("repl-backlog-size")).append("\r\n")
        .append("repl_backlog_first_byte_offset:").append(backlog ? 1 : 0).append("\r\n")
        .append("repl_backlog_histlen:").append(Math.min(r.offset(), s.config().number("repl-backlog-size")))
        .append("\r\n");
    return b.toString();
  }

  private static String keyspace(RedisServer s) {
    StringBuilder b = new StringBuilder("# Keyspace\r\n");
    Keyspace k = s.keyspace();
    for (int db = 0; db < k.databases(); db++) {
      int n = k.size(db);
      if (n > 0) {
        b.append("db").append(db).append(":keys=").append(n).append(",expires=").append(k.expiring(db))
            .append(",avg_ttl=0\r\n");
      }
    }
    return b.toString();
  }

  /** Redis's {@code bytesToHuman}: {@code 1.00M}. */
  static String human(long n) {
    if (n < 1024) {
      return n + "B";
    }
    String[] units = {"K", "M", "G", "T"};
    double d = n;
    int i = -1;
    while (d >= 1024 && i < units.length - 1) {
      d /= 1024;
      i++;
    }
    return String.format(Locale.ROOT, "%.2f%s", d, units[i]);
  }
}
