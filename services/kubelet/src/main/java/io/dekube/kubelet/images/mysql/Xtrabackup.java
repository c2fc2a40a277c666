package io.dekube.kubelet.images.mysql;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Percona XtraBackup 2.4's {@code xtrabackup}, as the replicated-MySQL page runs it:
 * {@code --backup [--slave-info] --stream=xbstream --host=H --user=U [--password=P]} logs in to the local server,
 * takes {@code FLUSH TABLES WITH READ LOCK} (the server stops writes and writes its data out), copies the data folder
 * {@code /var/lib/mysql} (not the binary logs, {@code master.info} nor an earlier backup's files), writes
 * {@code xtrabackup_binlog_info} from {@code SHOW MASTER STATUS} and, with {@code --slave-info}, on a replica
 * {@code xtrabackup_slave_info} ({@code CHANGE MASTER TO MASTER_LOG_FILE='…', MASTER_LOG_POS=…;}) from
 * {@code SHOW SLAVE STATUS}, unlocks, and writes the {@link Xbstream} to stdout, its log on stderr;
 * {@code --prepare --target-dir=D} marks the backup prepared ({@code xtrabackup_checkpoints}). Runs on the
 * container's context, files on a worker.
 */
final class Xtrabackup {

  private static final String DATA_DIR = "/var/lib/mysql";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyMMdd HH:mm:ss");
  /** What a backup leaves out: binary and relay logs and their indexes, replication state, older backups, H2's lock. */
  private static final Pattern SKIPPED = Pattern.compile(".+\\.\\d{6}|.+\\.index|master\\.info|relay-log\\.info"
      + "|xtrabackup_.*|change_master_to\\.sql.*|backup-my\\.cnf|auto\\.cnf|.+\\.lock\\.db|.+\\.trace\\.db|lost\\+found");

  private Xtrabackup() {
  }

  static ExecSession start(JvmContainer c, MysqlClient.Dialer dialer, List<String> argv, ExecSession.Output out) {
    Map<String, String> o = new LinkedHashMap<>();
    for (String a : argv.subList(1, argv.size())) {
      if (a.startsWith("--")) {
        int eq = a.indexOf('=');
        o.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "1" : a.substring(eq + 1));
      }
    }
    log(out, "xtrabackup: recognized server arguments: --datadir=" + DATA_DIR);
    log(out, "xtrabackup: recognized client arguments: " + String.join(" ", argv.subList(1, argv.size())));
    if (o.containsKey("prepare")) {
      return ExecSession.ending(prepare(c, o.getOrDefault("target-dir", "./xtrabackup_backupfiles"), out));
    }
    if (!o.containsKey("backup")) {
      log(out, "xtrabackup: Error: Please set parameter 'backup' or 'prepare' or 'copy-back'");
      return ExecSession.finished(1);
    }
    return ExecSession.ending(backup(c, dialer, o, out));
  }

  private static Future<Integer> backup(JvmContainer c, MysqlClient.Dialer dialer, Map<String, String> o,
                                        ExecSession.Output out) {
    String host = o.getOrDefault("host", "localhost");
    int port = Integer.parseInt(o.getOrDefault("port", "3306"));
    String user = o.getOrDefault("user", "root");
    log(out, time() + "  version_check Connecting to MySQL server with DSN 'dbi:mysql:;mysql_read_default_group="
        + "xtrabackup;host=" + host + "' as '" + user + "'  (using password: " + (o.containsKey("password") ? "YES"
        : "NO") + ").");
    Map<String, byte[]> extra = new LinkedHashMap<>();
    return MysqlClient.connect(dialer, host, port, user, o.getOrDefault("password", ""), null).compose(client -> {
      log(out, "xtrabackup version 2.4.4 based on MySQL server 5.7.13 Linux (x86_64) (revision id: df58cf2)");
      log(out, time() + " Executing FLUSH TABLES WITH READ LOCK...");
      return client.query("FLUSH TABLES WITH READ LOCK")
          .compose(r -> o.containsKey("slave-info") ? client.query("SHOW SLAVE STATUS").map(s -> {
            int file = s.columns().indexOf("Relay_Master_Log_File");
            int pos = s.columns().indexOf("Exec_Master_Log_Pos");
            if (!s.rows().isEmpty() && !s.rows().get(0).get(file).isEmpty()) {
              extra.put("xtrabackup_slave_info", ("CHANGE MASTER TO MASTER_LOG_FILE='" + s.rows().get(0).get(file)
                  + "', MASTER_LOG_POS=" + s.rows().get(0).get(pos) + ";\n").getBytes());
            }
            return s;
          }) : Future.succeededFuture(r))
          .compose(r -> client.query("SHOW MASTER STATUS").map(m -> {
            if (!m.rows().isEmpty()) {
              extra.put("xtrabackup_binlog_info", (m.rows().get(0).get(0) + "\t" + m.rows().get(0).get(1) + "\n")
                  .getBytes());
            }
            return m;
          }))
          .compose(r -> c.nodeFolder(DATA_DIR))
          .compose(dir -> c.vertx().executeBlocking(() -> files(dir, out), false))
          .compose(files -> {
            log(out, time() + " Executing UNLOCK TABLES");
            return client.query("UNLOCK TABLES").map(files);
          })
          .eventually(() -> {
            client.quit();
            return Future.succeededFuture();
          });
    }).map(files -> {
      files.putAll(extra);
      files.put("backup-my.cnf", ("# This MySQL options file was generated by innobackupex.\n\n[mysqld]\n"
          + "innodb_checksum_algorithm=innodb\ninnodb_log_checksum_algorithm=innodb\ninnodb_data_file_path="
          + "ibdata1:12M:autoextend\ninnodb_log_files_in_group=2\ninnodb_log_file_size=50331648\n").getBytes());
      files.put("xtrabackup_checkpoints", checkpoints("full-backuped").getBytes());
      files.put("xtrabackup_info", ("tool_name = xtrabackup\ntool_command = --backup\ntool_version = 2.4.4\n"
          + "binlog_pos = " + (extra.containsKey("xtrabackup_binlog_info") ? new String(extra.get(
          "xtrabackup_binlog_info")).strip() : "") + "\npartial = N\nincremental = N\nformat = xbstream\n")
          .getBytes());
      out.stdout(Buffer.buffer(Xbstream.stream(files)));
      if (extra.containsKey("xtrabackup_binlog_info")) {
        log(out, "MySQL binlog position: " + new String(extra.get("xtrabackup_binlog_info")).strip()
            .replace("\t", ", "));
      }
      if (extra.containsKey("xtrabackup_slave_info")) {
        log(out, "MySQL slave binlog position: " + new String(extra.get("xtrabackup_slave_info")).strip());
      }
      log(out, time() + " completed OK!");
      return 0;
    }).recover(e -> {
      log(out, "Failed to connect to MySQL server: " + (e instanceof MysqlClient.ServerError se ? se.line()
          : "Can't connect to MySQL server on '" + host + "' (111)") + ".");
      return Future.succeededFuture(1);
    });
  }

  /** The data folder's files, by their paths in it, in name order. */
  private static Map<String, byte[]> files(Path dir, ExecSession.Output out) throws IOException {
    Map<String, byte[]> files = new LinkedHashMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.filter(Files::isRegularFile).sorted().toList()) {
        String rel = dir.relativize(p).toString().replace('\\', '/');
        if (!SKIPPED.matcher(p.getFileName().toString()).matches()) {
          log(out, time() + " [01] Streaming ./" + rel);
          files.put(rel, Files.readAllBytes(p));
          log(out, time() + " [01]        ...done");
        }
      }
    }
    return files;
  }

  private static Future<Integer> prepare(JvmContainer c, String target, ExecSession.Output out) {
    return c.nodeFolder(target).compose(dir -> c.vertx().executeBlocking(() -> {
      Path checkpoints = dir.resolve("xtrabackup_checkpoints");
      if (!Files.exists(checkpoints)) {
        log(out, "xtrabackup: error: cannot open " + target + "/xtrabackup_checkpoints");
        log(out, "xtrabackup: error: xtrabackup_read_metadata()");
        return 1;
      }
      log(out, "xtrabackup version 2.4.4 based on MySQL server 5.7.13 Linux (x86_64) (revision id: df58cf2)");
      log(out, "xtrabackup: cd to " + target + "/");
      log(out, "xtrabackup: This target seems to be not prepared yet.");
      log(out, "xtrabackup: xtrabackup_logfile detected: size=8388608, start_lsn=(2549052)");
      log(out, "InnoDB: Starting shutdown...");
      Files.writeString(checkpoints, checkpoints("full-prepared"));
      log(out, time() + " completed OK!");
      return 0;
    }, false));
  }

  private static String checkpoints(String type) {
    return "backup_type = " + type + "\nfrom_lsn = 0\nto_lsn = 2549043\nlast_lsn = 2549052\ncompact = 0\n"
        + "recover_binlog_info = 0\n";
  }

  private static String time() {
    return LocalDateTime.now().format(TIME);
  }

  private static void log(ExecSession.Output out, String line) {
    out.stderr(Buffer.buffer(line + "\n"));
  }
}
