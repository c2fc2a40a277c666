package io.dekube.kubelet.images.mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How the {@code mysql} client prints a statement's answer: a table of {@code +---+} boxes (numbers right-aligned,
 * NULL as {@code NULL}), vertical ({@code \G}), or batch lines (tab-separated, tabs, newlines and backslashes
 * escaped), and the status lines of its interactive mode ({@code 2 rows in set (0.00 sec)},
 * {@code Query OK, 1 row affected (0.01 sec)}). Pure.
 */
final class ResultFormat {

  private ResultFormat() {
  }

  /** The rows as a table of boxes. */
  static String table(MysqlClient.Result r) {
    int n = r.columns().size();
    int[] width = new int[n];
    for (int i = 0; i < n; i++) {
      width[i] = r.columns().get(i).length();
      for (List<String> row : r.rows()) {
        width[i] = Math.max(width[i], shown(row.get(i)).length());
      }
    }
    StringBuilder line = new StringBuilder("+");
    for (int w : width) {
      line.append("-".repeat(w + 2)).append('+');
    }
    line.append('\n');
    StringBuilder b = new StringBuilder(line);
    b.append(cells(r.columns(), width, null)).append(line);
    for (List<String> row : r.rows()) {
      b.append(cells(row, width, r.types()));
    }
    if (!r.rows().isEmpty()) {
      b.append(line);
    }
    return b.toString();
  }

  private static String cells(List<String> values, int[] width, List<ColumnType> types) {
    StringBuilder b = new StringBuilder("|");
    for (int i = 0; i < values.size(); i++) {
      String v = shown(values.get(i));
      String pad = " ".repeat(width[i] - v.length());
      boolean right = types != null && types.get(i).numeric();
      b.append(' ').append(right ? pad + v : v + pad).append(" |");
    }
    return b.append('\n').toString();
  }

  private static String shown(String v) {
    return v == null ? "NULL" : v;
  }

  /** The rows one field a line: {@code *** 1. row ***}, names right-aligned. */
  static String vertical(MysqlClient.Result r) {
    int w = r.columns().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < r.rows().size(); i++) {
      b.append("*************************** ").append(i + 1).append(". row ***************************\n");
      for (int c = 0; c < r.columns().size(); c++) {
        String name = r.columns().get(c);
        b.append(" ".repeat(w - name.length())).append(name).append(": ").append(shown(r.rows().get(i).get(c)))
            .append('\n');
      }
    }
    return b.toString();
  }

  /** The rows as batch mode prints them: a line of names (unless {@code skipNames}), then a line per row. */
  static String batch(MysqlClient.Result r, boolean skipNames) {
    StringBuilder b = new StringBuilder();
    if (!skipNames) {
      b.append(String.join("\t", r.columns())).append('\n');
    }
    for (List<String> row : r.rows()) {
      List<String> fields = new ArrayList<>();
      for (String v : row) {
        fields.add(v == null ? "NULL" : escape(v));
      }
      b.append(String.join("\t", fields)).append('\n');
    }
    return b.toString();
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\0", "\\0");
  }

  /** The interactive status line of a result: rows in a set, or what an OK did. */
  static String status(MysqlClient.Result r, double seconds) {
    String time = String.format(Locale.ROOT, "(%.2f sec)", seconds);
    if (r.isRows()) {
      int n = r.rows().size();
      return n == 0 ? "Empty set " + time + "\n" : n + (n == 1 ? " row" : " rows") + " in set " + time + "\n";
    }
    long n = r.affected();
    return "Query OK, " + n + (n == 1 ? " row" : " rows") + " affected " + time + "\n"
        + (r.info().isEmpty() ? "" : r.info() + "\n");
  }
}
