package io.dekube.kubelet.images.mysql;

import io.vertx.core.Context;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A server's replica side, as {@code CHANGE MASTER TO}, {@code START SLAVE}, {@code STOP SLAVE},
 * {@code RESET SLAVE [ALL]} and {@code SHOW SLAVE STATUS} drive it: the I/O thread connects to the source over
 * MySQL's protocol as the configured user, asks for its binary log from the position kept in {@code master.info}
 * (COM_BINLOG_DUMP), and the SQL thread applies each statement in order, bypassing {@code super_read_only}, the
 * position saved after each one; a lost source is retried every {@code MASTER_CONNECT_RETRY} seconds
 * ({@code Connecting}); a statement that fails stops the SQL thread with MySQL's {@code Error '...' on query}. A
 * server whose {@code master.info} names a source starts replicating when it starts (unless
 * {@code skip-slave-start}). No relay log: the events are applied as they arrive. Thread-safe: statements call it
 * on the workers, the connection lives on {@link #context}.
 */
final class Replication {

  private enum Io { NO, CONNECTING, YES }

  private static final DateTimeFormatter ERROR_TIME = DateTimeFormatter.ofPattern("yyMMdd HH:mm:ss");

  private final SqlEngine engine;
  private final Path dataDir;
  private final MysqlClient.Dialer dialer;
  private final Context context;
  private final WorkerExecutor workers;
  private final String hostname;
  private final MysqlLog log;
  private MasterInfo info;
  private String readFile = "";
  private long readPosition = 4;
  private Io io = Io.NO;
  private boolean sqlRunning;
  private int retries;
  private long masterServerId;
  private int lastIoErrno;
  private String lastIoError = "";
  private String lastIoTime = "";
  private int lastSqlErrno;
  private String lastSqlError = "";
  private String lastSqlTime = "";
  private MysqlClient client;
  private SqlSession applier;
  private long attempt;

  private Replication(SqlEngine engine, Path dataDir, MysqlClient.Dialer dialer, Context context,
                      WorkerExecutor workers, String hostname, MysqlLog log, MasterInfo info) {
    this.engine = engine;
    this.dataDir = dataDir;
    this.dialer = dialer;
    this.context = context;
    this.workers = workers;
    this.hostname = hostname;
    this.log = log;
    this.info = info;
    this.readFile = info.file();
    this.readPosition = info.position();
  }

  /** The replica side of {@code engine}, with what {@code master.info} kept. Blocking. */
  static Replication open(SqlEngine engine, Path dataDir, MysqlClient.Dialer dialer, Context context,
                          WorkerExecutor workers, String hostname, MysqlLog log) throws java.io.IOException {
    return new Replication(engine, dataDir, dialer, context, workers, hostname, log, MasterInfo.read(dataDir));
  }

  /** At the server's start: replicates again when a source is configured. */
  synchronized void resume() {
    if (!info.host().isEmpty()) {
      start();
    }
  }

  /** {@code CHANGE MASTER TO}: only with the threads stopped. */
  synchronized SqlResult change(Map<String, String> options) throws java.io.IOException {
    if (io != Io.NO) {
      return new SqlResult.Error(3021, "HY000", "This operation cannot be performed with a running slave io thread; "
          + "run STOP SLAVE IO_THREAD FOR CHANNEL '' first.");
    }
    info = info.with(options);
    info.write(dataDir);
    readFile = info.file();
    readPosition = info.position();
    return new SqlResult.Ok(0, 0, "");
  }

  /** {@code START SLAVE}. */
  synchronized SqlResult start() {
    if (info.host().isEmpty()) {
      return new SqlResult.Error(1200, "HY000", "The server is not configured as slave; fix in config file or with "
          + "CHANGE MASTER TO");
    }
    if (io != Io.NO) {
      return new SqlResult.Ok(0, 0, ""); // MySQL warns 3083 "Replication thread(s) ... already running"
    }
    io = Io.CONNECTING;
    sqlRunning = true;
    lastSqlErrno = 0;
    lastSqlError = "";
    lastSqlTime = "";
    retries = 0;
    readFile = info.file();
    readPosition = info.position();
    long mine = ++attempt;
    context.runOnContext(v -> connect(mine));
    return new SqlResult.Ok(0, 0, "");
  }

  /** {@code STOP SLAVE}. */
  SqlResult stop() {
    MysqlClient c;
    synchronized (this) {
      io = Io.NO;
      sqlRunning = false;
      attempt++;
      c = client;
      client = null;
    }
    if (c != null) {
      context.runOnContext(v -> c.close());
    }
    return new SqlResult.Ok(0, 0, "");
  }

  /** {@code RESET SLAVE [ALL]}: the position forgotten; with ALL, the source too. */
  synchronized SqlResult reset(boolean all) throws java.io.IOException {
    if (io != Io.NO) {
      return new SqlResult.Error(3021, "HY000", "This operation cannot be performed with a running slave io thread; "
          + "run STOP SLAVE IO_THREAD FOR CHANNEL '' first.");
    }
    info = all ? MasterInfo.NONE : info.at("", 4);
    if (all) {
      java.nio.file.Files.deleteIfExists(dataDir.resolve(MasterInfo.FILE));
    } else {
      info.write(dataDir);
    }
    readFile = info.file();
    readPosition = 4;
    lastIoErrno = 0;
    lastIoError = "";
    return new SqlResult.Ok(0, 0, "");
  }

  private void connect(long mine) {
    MasterInfo source;
    synchronized (this) {
      if (mine != attempt || io == Io.NO) {
        return;
      }
      source = info;
      retries++;
    }
    MysqlClient.connect(dialer, source.host(), source.port(), source.user(), source.password(), null)
        .compose(c -> c.query("SELECT @@server_id").map(r -> {
          synchronized (this) {
            if (mine != attempt) {
              c.close();
              throw new IllegalStateException("stopped");
            }
            client = c;
            io = Io.YES;
            retries = 0;
            lastIoErrno = 0;
            lastIoError = "";
            masterServerId = Long.parseLong(r.rows().get(0).get(0));
          }
          log.server("System", "010562", "Repl", "Slave I/O thread for channel '': connected to master '"
              + source.user() + "@" + source.host() + ":" + source.port() + "',replication started in log '"
              + (source.file().isEmpty() ? "FIRST" : source.file()) + "' at position " + source.position());
          return c;
        }))
        .compose(c -> c.binlogDump(source.file(), source.position(), serverId(), e -> received(mine, e)))
        .onComplete(ar -> ended(mine, source, ar.cause()));
  }

  private long serverId() {
    Object id = engine.variables().get("server_id");
    return id instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(id));
  }

  /** The stream ended: an error of the source stops the I/O thread, a lost connection is retried. */
  private void ended(long mine, MasterInfo source, Throwable cause) {
    synchronized (this) {
      if (mine != attempt || io == Io.NO) {
        return;
      }
      client = null;
      lastIoTime = LocalDateTime.now().format(ERROR_TIME);
      if (cause instanceof MysqlClient.ServerError e && e.code == 1236) {
        io = Io.NO;
        lastIoErrno = 1236;
        lastIoError = "Got fatal error 1236 from master when reading data from binary log: '" + e.getMessage() + "'";
        log.server("ERROR", "013114", "Repl", "Slave I/O for channel '': " + lastIoError + ", Error_code: 1236");
        return;
      }
      boolean wasUp = io == Io.YES;
      io = Io.CONNECTING;
      lastIoErrno = 2003;
      lastIoError = "error " + (wasUp ? "reconnecting" : "connecting") + " to master '" + source.user() + "@"
          + source.host() + ":" + source.port() + "' - retry-time: " + source.connectRetry() + "  retries: "
          + Math.max(1, retries);
      log.server("ERROR", "010584", "Repl", "Slave I/O for channel '': " + lastIoError + ", Error_code: 2003");
    }
    context.owner().setTimer(Math.max(1, source.connectRetry()) * 1000L, t -> connect(mine));
  }

  /** One event of the source, on the socket's context: applied in order on the workers. */
  private void received(long mine, Buffer event) {
    int type = event.getUnsignedByte(4);
    long end = event.getUnsignedIntLE(13);
    String file;
    synchronized (this) {
      if (mine != attempt) {
        return;
      }
      if (type == Binlog.ROTATE_EVENT) {
        readFile = event.getString(27, event.length(), "UTF-8");
        readPosition = event.getLongLE(19);
      } else if (end > 0) {
        readPosition = end;
      }
      file = readFile;
    }
    long position = type == Binlog.ROTATE_EVENT ? event.getLongLE(19) : end;
    workers.executeBlocking(() -> {
      apply(mine, type, event, file, position);
      return null;
    }, true);
  }

  private void apply(long mine, int type, Buffer event, String file, long position) throws Exception {
    synchronized (this) {
      if (mine != attempt || !sqlRunning) {
        return;
      }
    }
    if (type == Binlog.QUERY_EVENT) {
      String[] q = Binlog.query(event);
      if (applier == null) {
        applier = engine.applierSession();
      }
      if (!q[0].isEmpty()) {
        applier.use(q[0]);
      }
      if (applier.execute(q[1]) instanceof SqlResult.Error e) {
        synchronized (this) {
          sqlRunning = false;
          lastSqlErrno = e.code();
          lastSqlError = "Error '" + e.message() + "' on query. Default database: '" + q[0] + "'. Query: '" + q[1]
              + "'";
          lastSqlTime = LocalDateTime.now().format(ERROR_TIME);
        }
        log.server("ERROR", "010584", "Repl", "Slave SQL for channel '': " + lastSqlError + ", Error_code: " + e.code());
        return;
      }
    } else if (position <= 0) {
      return;
    }
    MasterInfo now;
    synchronized (this) {
      info = info.at(file, position);
      now = info;
    }
    now.write(dataDir);
  }

  /** {@code SHOW SLAVE STATUS}: MySQL 5.7's columns (and 8.0's three more); no rows when no source is configured. */
  synchronized SqlResult.Rows status() {
    List<String> names = new ArrayList<>(Arrays.asList("Slave_IO_State", "Master_Host", "Master_User", "Master_Port",
        "Connect_Retry", "Master_Log_File", "Read_Master_Log_Pos", "Relay_Log_File", "Relay_Log_Pos",
        "Relay_Master_Log_File", "Slave_IO_Running", "Slave_SQL_Running", "Replicate_Do_DB", "Replicate_Ignore_DB",
        "Replicate_Do_Table", "Replicate_Ignore_Table", "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table",
        "Last_Errno", "Last_Error", "Skip_Counter", "Exec_Master_Log_Pos", "Relay_Log_Space", "Until_Condition",
        "Until_Log_File", "Until_Log_Pos", "Master_SSL_Allowed", "Master_SSL_CA_File", "Master_SSL_CA_Path",
        "Master_SSL_Cert", "Master_SSL_Cipher", "Master_SSL_Key", "Seconds_Behind_Master",
        "Master_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error", "Last_SQL_Errno", "Last_SQL_Error",
        "Replicate_Ignore_Server_Ids", "Master_Server_Id", "Master_UUID", "Master_Info_File", "SQL_Delay",
        "SQL_Remaining_Delay", "Slave_SQL_Running_State", "Master_Retry_Count", "Master_Bind",
        "Last_IO_Error_Timestamp", "Last_SQL_Error_Timestamp", "Master_SSL_Crl", "Master_SSL_Crlpath",
        "Retrieved_Gtid_Set", "Executed_Gtid_Set", "Auto_Position", "Replicate_Rewrite_DB", "Channel_Name",
        "Master_TLS_Version"));
    boolean eight = engine.version().major() >= 8;
    if (eight) {
      names.addAll(List.of("Master_public_key_path", "Get_master_public_key", "Network_Namespace"));
    }
    List<SqlResult.Column> columns = names.stream().map(n -> SqlResult.Column.computed(n, ColumnType.VAR_STRING))
        .toList();
    if (info.host().isEmpty()) {
      return new SqlResult.Rows(columns, List.of());
    }
    long relayPosition = 320 + info.position() - 4;
    List<String> row = new ArrayList<>(Arrays.asList(
        switch (io) {
          case YES -> "Waiting for master to send event";
          case CONNECTING -> "Connecting to master";
          case NO -> "";
        }, info.host(), info.user(), Integer.toString(info.port()), Integer.toString(info.connectRetry()), readFile,
        Long.toString(readPosition), hostname + "-relay-bin.000002", Long.toString(relayPosition), info.file(),
        switch (io) {
          case YES -> "Yes";
          case CONNECTING -> "Connecting";
          case NO -> "No";
        }, sqlRunning ? "Yes" : "No", "", "", "", "", "", "", Integer.toString(lastSqlErrno), lastSqlError, "0",
        Long.toString(info.position()), Long.toString(relayPosition + 207), "None", "", "0", "No", "", "", "", "", "",
        io == Io.YES && sqlRunning ? "0" : null, "No", Integer.toString(lastIoErrno), lastIoError,
        Integer.toString(lastSqlErrno), lastSqlError, "", Long.toString(masterServerId), "",
        dataDir.getFileName() == null ? "/var/lib/mysql/master.info" : "/var/lib/mysql/master.info", "0", null,
        sqlRunning ? "Slave has read all relay log; waiting for more updates" : "", "86400", "", lastIoTime,
        lastSqlTime, "", "", "", "", "0", "", "", ""));
    if (eight) {
      row.addAll(Arrays.asList("", "0", ""));
    }
    return new SqlResult.Rows(columns, List.of(row));
  }

  /** The position a backup of this replica records ({@code xtrabackup --slave-info}): null when not replicating. */
  synchronized String[] executed() {
    return info.host().isEmpty() || info.file().isEmpty() ? null
        : new String[] {info.file(), Long.toString(info.position())};
  }

  /** The server stops: the threads end. */
  void close() {
    stop();
    SqlSession a = applier;
    if (a != null) {
      a.close();
    }
  }
}
