package io.dekube.kubelet.images.mysql;

import java.util.List;

/** What a statement came to, as the server answers it: rows, an OK, or an error. Immutable. */
sealed interface SqlResult {

  /** A column of a result set: its MySQL type ({@link ColumnType}), schema and table when it comes from one. */
  record Column(String name, String orgName, String table, String schema, ColumnType type, boolean notNull,
                boolean primaryKey, boolean autoIncrement) {

    /** A computed column of {@code type}: no table. */
    static Column computed(String name, ColumnType type) {
      return new Column(name, name, "", "", type, false, false, false);
    }
  }

  /** A result set; a NULL value is null. */
  record Rows(List<Column> columns, List<List<String>> rows) implements SqlResult {
  }

  /** An OK: rows affected, the last AUTO_INCREMENT id, and the info text (empty for none). */
  record Ok(long affected, long lastInsertId, String info) implements SqlResult {
  }

  /** An error with MySQL's code, SQLSTATE and message. */
  record Error(int code, String sqlState, String message) implements SqlResult {
  }
}
