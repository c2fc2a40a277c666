package io.dekube.kubelet.images.mysql;

import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL's errors in its own codes, SQLSTATEs and words, and H2's exceptions turned into them: a missing table is
 * {@code ERROR 1146 (42S02): Table 'db.t' doesn't exist}, a syntax error {@code 1064 (42000)}, a duplicate key
 * {@code 1062 (23000)}… An H2 error with no MySQL counterpart is {@code 1105 (HY000)} with H2's first line. Pure.
 */
final class MysqlErrors {

  private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
  private static final Pattern KEY = Pattern.compile("\"([^\" ]+) (PRIMARY KEY )?ON ([^\"(]+)\\(.*?/\\*[^*]*\\*/ ?([^,)]*)");

  private MysqlErrors() {
  }

  static SqlResult.Error noDatabase() {
    return new SqlResult.Error(1046, "3D000", "No database selected");
  }

  static SqlResult.Error unknownDatabase(String db) {
    return new SqlResult.Error(1049, "42000", "Unknown database '" + db + "'");
  }

  static SqlResult.Error databaseExists(String db) {
    return new SqlResult.Error(1007, "HY000", "Can't create database '" + db + "'; database exists");
  }

  static SqlResult.Error cannotDropDatabase(String db) {
    return new SqlResult.Error(1008, "HY000", "Can't drop database '" + db + "'; database doesn't exist");
  }

  static SqlResult.Error accessDenied(String user, String host, boolean password) {
    return new SqlResult.Error(1045, "28000", "Access denied for user '" + user + "'@'" + host + "' (using password: "
        + (password ? "YES" : "NO") + ")");
  }

  static SqlResult.Error tableMissing(String db, String table) {
    return new SqlResult.Error(1146, "42S02", "Table '" + (table.contains(".") ? table : db + "." + table)
        + "' doesn't exist");
  }

  static SqlResult.Error syntax(String near) {
    String shown = near.length() > 80 ? near.substring(0, 80) : near;
    return new SqlResult.Error(1064, "42000", "You have an error in your SQL syntax; check the manual that corresponds "
        + "to your MySQL server version for the right syntax to use near '" + shown + "' at line 1");
  }

  /** H2's {@code e}, for a statement run in database {@code db} (null: none selected). */
  /**
   * MySQL's error for H2's exception of statement {@code sql}, run with {@code db} selected ({@code null}: none). H2
   * names a missing table without the schema the statement gave it, so a qualified reference is looked up in the
   * statement: {@code SELECT 1 FROM test.t} without a selected database is "Table 'test.t' doesn't exist", not "No
   * database selected".
   */
  static SqlResult.Error of(SQLException e, String sql, String db) {
    String message = String.valueOf(e.getMessage());
    String first = message.split("\n", 2)[0];
    int cut = first.indexOf("; SQL statement:");
    first = cut >= 0 ? first.substring(0, cut) : first;
    String name = quoted(first);
    return switch (e.getErrorCode()) {
      case 42102, 42103, 42104 -> {
        String qualified = name.contains(".") ? name : qualifiedIn(sql, name);
        yield db == null && qualified == null ? noDatabase() : tableMissing(db, qualified != null ? qualified : name);
      }
      case 42101 -> new SqlResult.Error(1050, "42S01", "Table '" + name + "' already exists");
      case 42122 -> new SqlResult.Error(1054, "42S22", "Unknown column '" + name + "' in 'field list'");
      case 42000, 42001 -> syntax(near(first));
      case 23505 -> duplicate(first);
      case 23502 -> new SqlResult.Error(1048, "23000", "Column '" + name + "' cannot be null");
      case 23503 -> new SqlResult.Error(1452, "23000", "Cannot add or update a child row: a foreign key constraint "
          + "fails");
      case 23506 -> new SqlResult.Error(1451, "23000", "Cannot delete or update a parent row: a foreign key "
          + "constraint fails");
      case 22001 -> new SqlResult.Error(1406, "22001", "Data too long for column '" + column(first) + "' at row 1");
      case 22018 -> new SqlResult.Error(1366, "HY000", "Incorrect value: " + first);
      case 90079 -> unknownDatabase(name);
      case 90078 -> databaseExists(name);
      default -> new SqlResult.Error(1105, "HY000", first);
    };
  }

  /** {@code schema.table} where the statement names {@code table} with a schema, else {@code null}. */
  private static String qualifiedIn(String sql, String table) {
    if (table.isEmpty()) {
      return null;
    }
    Matcher m = Pattern.compile("`?([A-Za-z0-9_$]+)`?\\.`?" + Pattern.quote(table) + "(?![A-Za-z0-9_$])",
        Pattern.CASE_INSENSITIVE).matcher(sql);
    return m.find() ? m.group(1) + "." + table : null;
  }

  private static String quoted(String text) {
    Matcher m = QUOTED.matcher(text);
    return m.find() ? m.group(1) : "";
  }

  /** The statement from where H2's parser stopped ({@code [*]}), as MySQL's "near '...'". */
  private static String near(String first) {
    int mark = first.indexOf("[*]");
    if (mark < 0) {
      return "";
    }
    String after = first.substring(mark + 3);
    int end = after.indexOf("\"; expected");
    if (end < 0) {
      end = after.lastIndexOf('"');
    }
    return end >= 0 ? after.substring(0, end) : after;
  }

  private static SqlResult.Error duplicate(String first) {
    Matcher m = KEY.matcher(first);
    if (!m.find()) {
      return new SqlResult.Error(1062, "23000", "Duplicate entry for key 'PRIMARY'");
    }
    String table = m.group(3).trim();
    table = table.substring(table.lastIndexOf('.') + 1);
    String key = m.group(2) != null ? "PRIMARY" : m.group(1).substring(m.group(1).lastIndexOf('.') + 1);
    String value = m.group(4).trim();
    if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
      value = value.substring(1, value.length() - 1);
    }
    return new SqlResult.Error(1062, "23000", "Duplicate entry '" + value + "' for key '" + table + "." + key + "'");
  }

  private static String column(String first) {
    Matcher m = Pattern.compile("for column \"?([^\" ]+)\"?").matcher(first);
    if (!m.find()) {
      return quoted(first);
    }
    String c = m.group(1);
    return c.substring(c.lastIndexOf('.') + 1);
  }
}
