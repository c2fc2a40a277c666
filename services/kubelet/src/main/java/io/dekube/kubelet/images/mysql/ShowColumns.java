package io.dekube.kubelet.images.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code DESCRIBE t} ({@code DESC t}, {@code SHOW COLUMNS FROM t}) from H2's information schema, as MySQL prints it:
 * Field, Type in MySQL's names ({@code int}, {@code varchar(10)}, {@code decimal(10,2)}, {@code tinyint(1)},
 * {@code datetime}, {@code text}), Null, Key ({@code PRI}, {@code UNI}), Default and Extra
 * ({@code auto_increment}). Blocking.
 */
final class ShowColumns {

  private ShowColumns() {
  }

  /** The columns of {@code table} in {@code schema}; null when there is no such table. */
  static SqlResult.Rows of(Connection jdbc, String schema, String table) throws SQLException {
    Map<String, String> keys = keys(jdbc, schema, table);
    List<List<String>> rows = new ArrayList<>();
    try (PreparedStatement ps = jdbc.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH,"
        + " NUMERIC_PRECISION, NUMERIC_SCALE, IS_NULLABLE, COLUMN_DEFAULT, IS_IDENTITY FROM INFORMATION_SCHEMA.COLUMNS"
        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          String def = rs.getString(7);
          if (def != null && def.length() >= 2 && def.startsWith("'") && def.endsWith("'")) {
            def = def.substring(1, def.length() - 1).replace("''", "'");
          }
          List<String> row = new ArrayList<>();
          row.add(name);
          row.add(type(rs.getString(2), rs.getLong(3), rs.getInt(4), rs.getInt(5)));
          row.add("YES".equals(rs.getString(6)) ? "YES" : "NO");
          row.add(keys.getOrDefault(name, ""));
          row.add(def);
          row.add("YES".equals(rs.getString(8)) ? "auto_increment" : "");
          rows.add(row);
        }
      }
    }
    if (rows.isEmpty()) {
      return null;
    }
    List<SqlResult.Column> columns = new ArrayList<>();
    for (String c : new String[] {"Field", "Type", "Null", "Key", "Default", "Extra"}) {
      columns.add(SqlResult.Column.computed(c, ColumnType.VAR_STRING));
    }
    return new SqlResult.Rows(columns, rows);
  }

  private static Map<String, String> keys(Connection jdbc, String schema, String table) throws SQLException {
    Map<String, String> keys = new HashMap<>();
    try (PreparedStatement ps = jdbc.prepareStatement("SELECT k.COLUMN_NAME, c.CONSTRAINT_TYPE FROM"
        + " INFORMATION_SCHEMA.KEY_COLUMN_USAGE k JOIN INFORMATION_SCHEMA.TABLE_CONSTRAINTS c ON k.CONSTRAINT_SCHEMA ="
        + " c.CONSTRAINT_SCHEMA AND k.CONSTRAINT_NAME = c.CONSTRAINT_NAME WHERE k.TABLE_SCHEMA = ? AND k.TABLE_NAME = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String kind = rs.getString(2);
          if (kind.equals("PRIMARY KEY")) {
            keys.put(rs.getString(1), "PRI");
          } else if (kind.equals("UNIQUE")) {
            keys.putIfAbsent(rs.getString(1), "UNI");
          }
        }
      }
    }
    return keys;
  }

  /** H2's {@code DATA_TYPE} in MySQL's words. */
  static String type(String h2, long length, int precision, int scale) {
    return switch (h2) {
      case "INTEGER" -> "int";
      case "BIGINT" -> "bigint";
      case "SMALLINT" -> "smallint";
      case "TINYINT" -> "tinyint";
      case "BOOLEAN" -> "tinyint(1)";
      case "REAL" -> "float";
      case "DOUBLE PRECISION" -> "double";
      case "NUMERIC", "DECIMAL" -> "decimal(" + precision + "," + scale + ")";
      case "CHARACTER VARYING" -> length > 65535 ? "text" : "varchar(" + length + ")";
      case "CHARACTER" -> "char(" + length + ")";
      case "CHARACTER LARGE OBJECT" -> "longtext";
      case "BINARY VARYING" -> length > 65535 ? "blob" : "varbinary(" + length + ")";
      case "BINARY LARGE OBJECT" -> "longblob";
      case "TIMESTAMP" -> "datetime";
      case "TIMESTAMP WITH TIME ZONE" -> "timestamp";
      default -> h2.toLowerCase(Locale.ROOT);
    };
  }
}
