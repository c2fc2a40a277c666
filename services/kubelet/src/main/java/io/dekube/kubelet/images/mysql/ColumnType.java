package io.dekube.kubelet.images.mysql;

import java.sql.Types;

/**
 * The MySQL column types a result set's columns are sent as (the protocol's type byte), with the display length
 * and character set the server sends for them: text in utf8mb4 (255), numbers and dates as binary (63). Pure.
 */
enum ColumnType {
  TINY(0x01, 4, false), SHORT(0x02, 6, false), LONG(0x03, 11, false), FLOAT(0x04, 12, false),
  DOUBLE(0x05, 22, false), LONGLONG(0x08, 20, false), DATE(0x0A, 10, false), TIME(0x0B, 10, false),
  DATETIME(0x0C, 19, false), NEWDECIMAL(0xF6, 12, false), BLOB(0xFC, 65535, true), VAR_STRING(0xFD, 1020, true),
  NULL(0x06, 0, false);

  final int code;
  final int length;
  final boolean text;

  ColumnType(int code, int length, boolean text) {
    this.code = code;
    this.length = length;
    this.text = text;
  }

  /** Whether a value of this type is a number: the client right-aligns it in a table. */
  boolean numeric() {
    return switch (this) {
      case TINY, SHORT, LONG, FLOAT, DOUBLE, LONGLONG, NEWDECIMAL -> true;
      default -> false;
    };
  }

  /** The type for a JDBC type of H2's result set. */
  static ColumnType of(int jdbcType) {
    return switch (jdbcType) {
      case Types.BOOLEAN, Types.BIT, Types.TINYINT -> TINY;
      case Types.SMALLINT -> SHORT;
      case Types.INTEGER -> LONG;
      case Types.BIGINT -> LONGLONG;
      case Types.REAL -> FLOAT;
      case Types.FLOAT, Types.DOUBLE -> DOUBLE;
      case Types.DECIMAL, Types.NUMERIC -> NEWDECIMAL;
      case Types.DATE -> DATE;
      case Types.TIME, Types.TIME_WITH_TIMEZONE -> TIME;
      case Types.TIMESTAMP, Types.TIMESTAMP_WITH_TIMEZONE -> DATETIME;
      case Types.BLOB, Types.CLOB, Types.LONGVARCHAR, Types.LONGVARBINARY, Types.VARBINARY, Types.BINARY -> BLOB;
      case Types.NULL -> NULL;
      default -> VAR_STRING;
    };
  }

  /** The type of a column code the server sent (the client's side). */
  static ColumnType ofCode(int code) {
    for (ColumnType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return switch (code) {
      case 0x00, 0x09, 0x0D -> LONG; // DECIMAL, INT24, YEAR: numbers
      case 0x07 -> DATETIME; // TIMESTAMP
      default -> VAR_STRING;
    };
  }
}
