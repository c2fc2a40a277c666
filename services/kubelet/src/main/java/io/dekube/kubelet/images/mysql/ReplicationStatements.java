package io.dekube.kubelet.images.mysql;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The statements of replication and its settings: {@code SHOW MASTER STATUS}, {@code SHOW BINARY LOGS},
 * {@code SHOW SLAVE STATUS} ({@code REPLICA}), {@code CHANGE MASTER TO} ({@code CHANGE REPLICATION SOURCE TO}, its
 * {@code SOURCE_} names), {@code START|STOP|RESET SLAVE} ({@code REPLICA}), {@code SET GLOBAL super_read_only|
 * read_only}; and which statements change data ({@link #changes}: the binary log's and {@code super_read_only}'s
 * concern). Blocking: call from a worker thread.
 */
final class ReplicationStatements {

  private static final Pattern CHANGES = Pattern.compile("(?is)(INSERT|REPLACE|UPDATE|DELETE|CREATE|DROP|ALTER"
      + "|TRUNCATE|RENAME)\\b(?!\\s+TEMPORARY\\b).*");
  private static final Pattern MASTER_STATUS = Pattern.compile("(?is)SHOW\\s+MASTER\\s+STATUS");
  private static final Pattern BINARY_LOGS = Pattern.compile("(?is)SHOW\\s+(BINARY|MASTER)\\s+LOGS");
  private static final Pattern SLAVE_STATUS = Pattern.compile("(?is)SHOW\\s+(SLAVE|REPLICA)\\s+STATUS"
      + "(\\s+FOR\\s+CHANNEL\\s+'')?");
  private static final Pattern CHANGE = Pattern.compile("(?is)CHANGE\\s+(?:MASTER|REPLICATION\\s+SOURCE)\\s+TO\\s+"
      + "(.*?)(\\s+FOR\\s+CHANNEL\\s+'')?");
  private static final Pattern OPTION = Pattern.compile("(?is)\\s*(\\w+)\\s*=\\s*('((?:[^'\\\\]|\\\\.|'')*)'|\\d+)"
      + "\\s*(,|$)");
  private static final Pattern THREADS = Pattern.compile("(?is)(START|STOP|RESET)\\s+(?:SLAVE|REPLICA)(\\s+ALL)?"
      + "(\\s+(IO_THREAD|SQL_THREAD))?");
  private static final Pattern SET_GLOBAL = Pattern.compile("(?is)SET\\s+(?:GLOBAL\\s+|@@global\\.|PERSIST\\s+)"
      + "(super_read_only|read_only)\\s*=\\s*(\\w+)");
  private static final Pattern READ_LOCK = Pattern.compile("(?is)FLUSH\\s+TABLES?\\s+WITH\\s+READ\\s+LOCK");
  private static final Pattern UNLOCK = Pattern.compile("(?is)UNLOCK\\s+TABLES?");
  private static final List<String> KNOWN = List.of("MASTER_HOST", "MASTER_USER", "MASTER_PASSWORD", "MASTER_PORT",
      "MASTER_LOG_FILE", "MASTER_LOG_POS", "MASTER_CONNECT_RETRY", "MASTER_RETRY_COUNT", "MASTER_AUTO_POSITION",
      "MASTER_SSL", "GET_MASTER_PUBLIC_KEY");

  private ReplicationStatements() {
  }

  /** Whether {@code sql} changes data or schema (a temporary table aside). */
  static boolean changes(String sql) {
    return CHANGES.matcher(sql).matches();
  }

  /** The answer to {@code sql} when it is one of these statements; null when it is not. */
  static SqlResult of(SqlSession session, String sql) throws IOException, java.sql.SQLException {
    SqlEngine engine = session.engine();
    Matcher m;
    if (READ_LOCK.matcher(sql).matches()) {
      engine.readLock(session);
      return new SqlResult.Ok(0, 0, "");
    }
    if (UNLOCK.matcher(sql).matches()) {
      engine.unlock(session);
      return new SqlResult.Ok(0, 0, "");
    }
    if (MASTER_STATUS.matcher(sql).matches()) {
      return masterStatus(engine.binlog());
    }
    if (BINARY_LOGS.matcher(sql).matches()) {
      return binaryLogs(engine.binlog());
    }
    if (SLAVE_STATUS.matcher(sql).matches()) {
      Replication r = engine.replication();
      return r == null ? new SqlResult.Rows(List.of(), List.of()) : r.status();
    }
    if ((m = CHANGE.matcher(sql)).matches()) {
      Map<String, String> options = options(m.group(1));
      if (options == null) {
        return MysqlErrors.syntax(m.group(1));
      }
      Replication r = engine.replication();
      return r == null ? notReplica() : r.change(options);
    }
    if ((m = THREADS.matcher(sql)).matches()) {
      Replication r = engine.replication();
      if (r == null) {
        return notReplica();
      }
      return switch (m.group(1).toUpperCase(Locale.ROOT)) {
        case "START" -> r.start();
        case "STOP" -> r.stop();
        default -> r.reset(m.group(2) != null);
      };
    }
    if ((m = SET_GLOBAL.matcher(sql)).matches()) {
      String v = m.group(2).toUpperCase(Locale.ROOT);
      int on = v.equals("1") || v.equals("ON") || v.equals("TRUE") ? 1 : 0;
      String name = m.group(1).toLowerCase(Locale.ROOT);
      engine.variables().set(name, on);
      if (name.equals("super_read_only") && on == 1) {
        engine.variables().set("read_only", 1); // super_read_only implies read_only
      } else if (name.equals("read_only") && on == 0) {
        engine.variables().set("super_read_only", 0);
      }
      return new SqlResult.Ok(0, 0, "");
    }
    return null;
  }

  private static SqlResult.Error notReplica() {
    return new SqlResult.Error(1200, "HY000", "The server is not configured as slave; fix in config file or with "
        + "CHANGE MASTER TO");
  }

  /** The {@code NAME = value} list of a {@code CHANGE MASTER TO} in upper case, {@code SOURCE_} as {@code MASTER_}. */
  static Map<String, String> options(String list) {
    Map<String, String> options = new LinkedHashMap<>();
    Matcher o = OPTION.matcher(list);
    int at = 0;
    while (at < list.length() && o.find(at) && o.start() == at) {
      String name = o.group(1).toUpperCase(Locale.ROOT).replaceFirst("^SOURCE_", "MASTER_");
      String value = o.group(3) != null ? o.group(3).replace("''", "'").replaceAll("\\\\(.)", "$1") : o.group(2);
      if (!KNOWN.contains(name)) {
        return null;
      }
      options.put(name, value);
      at = o.end();
    }
    return at >= list.strip().length() ? options : null;
  }

  private static SqlResult.Rows masterStatus(Binlog binlog) {
    List<SqlResult.Column> columns = new ArrayList<>();
    for (String n : List.of("File", "Position", "Binlog_Do_DB", "Binlog_Ignore_DB", "Executed_Gtid_Set")) {
      columns.add(SqlResult.Column.computed(n, n.equals("Position") ? ColumnType.LONGLONG : ColumnType.VAR_STRING));
    }
    return new SqlResult.Rows(columns, binlog == null ? List.of()
        : List.of(List.of(binlog.file(), Long.toString(binlog.position()), "", "", "")));
  }

  private static SqlResult binaryLogs(Binlog binlog) throws IOException {
    if (binlog == null) {
      return new SqlResult.Error(1381, "HY000", "You are not using binary logging");
    }
    List<List<String>> rows = new ArrayList<>();
    for (String f : binlog.files()) {
      rows.add(List.of(f, Long.toString(binlog.size(f))));
    }
    return new SqlResult.Rows(List.of(SqlResult.Column.computed("Log_name", ColumnType.VAR_STRING),
        SqlResult.Column.computed("File_size", ColumnType.LONGLONG)), rows);
  }
}
