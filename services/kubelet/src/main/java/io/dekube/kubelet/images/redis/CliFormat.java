package io.dekube.kubelet.images.redis;

import java.util.List;

/**
 * How {@code redis-cli} prints a reply: on a terminal {@code OK}, {@code (integer) 1}, {@code "quoted"},
 * {@code (nil)}, {@code (error) ERR ...} and numbered arrays indented as they nest ({@code (empty array)}, or
 * {@code (empty list or set)} before redis 6); elsewhere raw — the strings as they are, one array element a line,
 * nothing for nil. Pure.
 */
final class CliFormat {

  private CliFormat() {
  }

  static String tty(Reply r, String version) {
    return tty(r, "", version.startsWith("5.") || version.startsWith("4.") ? "(empty list or set)"
        : "(empty array)");
  }

  private static String tty(Reply r, String prefix, String empty) {
    if (r instanceof Reply.Error e) {
      return "(error) " + e.text() + "\n";
    }
    if (r instanceof Reply.Status s) {
      return s.text() + "\n";
    }
    if (r instanceof Reply.Int i) {
      return "(integer) " + i.value() + "\n";
    }
    if (r instanceof Reply.Bulk b) {
      return b.value() == null ? "(nil)\n" : repr(b.value()) + "\n";
    }
    List<Reply> items = ((Reply.Array) r).items();
    if (items == null) {
      return "(nil)\n";
    }
    if (items.isEmpty()) {
      return empty + "\n";
    }
    int width = Integer.toString(items.size()).length();
    String nested = prefix + " ".repeat(width + 2);
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < items.size(); i++) {
      out.append(i == 0 ? "" : prefix).append(String.format("%" + width + "d) ", i + 1))
          .append(tty(items.get(i), nested, empty));
    }
    return out.toString();
  }

  /** Raw output, without the final newline the caller adds. */
  static String raw(Reply r) {
    if (r instanceof Reply.Error e) {
      return e.text() + "\n";
    }
    if (r instanceof Reply.Status s) {
      return s.text();
    }
    if (r instanceof Reply.Int i) {
      return Long.toString(i.value());
    }
    if (r instanceof Reply.Bulk b) {
      return b.value() == null ? "" : b.value();
    }
    List<Reply> items = ((Reply.Array) r).items();
    StringBuilder out = new StringBuilder();
    if (items != null) {
      for (int i = 0; i < items.size(); i++) {
        out.append(i > 0 ? "\n" : "").append(raw(items.get(i)));
      }
    }
    return out.toString();
  }

  /** Redis's {@code sdscatrepr}: quoted, with {@code \n \r \t \a \b \\ \"} escaped and other bytes as {@code \xHH}. */
  static String repr(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\\', '"' -> b.append('\\').append(c);
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        case 7 -> b.append("\\a");
        case '\b' -> b.append("\\b");
        default -> {
          if (c >= 32 && c < 127) {
            b.append(c);
          } else {
            b.append(String.format("\\x%02x", (int) c & 0xff));
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
