package io.dekube.kubelet.images.mysql;

import java.util.ArrayList;
import java.util.List;

/**
 * The client's reading of its input into statements, line by line: a statement ends at a {@code ;} (or
 * {@code \g}, {@code \G} for vertical output) outside quotes and comments, and may span lines; what follows on the
 * line starts the next one. Tells which prompt the next line gets ({@code ->}, {@code '>}, {@code ">},
 * {@code `>}, {@code /*>}). Not thread-safe.
 */
final class StatementSplitter {

  /** A whole statement, its text without the terminator; {@code vertical} for {@code \G}; {@code line} its first line. */
  record Statement(String sql, boolean vertical, int line) {
  }

  private final StringBuilder pending = new StringBuilder();
  private char quote;
  private boolean comment;
  private int lineNumber;
  private int startLine;

  /** Takes one line; returns the statements it completed. */
  List<Statement> line(String line) {
    lineNumber++;
    List<Statement> done = new ArrayList<>();
    if (pending.length() == 0 || pending.toString().isBlank()) {
      startLine = lineNumber;
    }
    int i = 0;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (comment) {
        if (c == '*' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
          comment = false;
          pending.append("*/");
          i += 2;
          continue;
        }
      } else if (quote != 0) {
        if (c == '\\' && quote != '`' && i + 1 < line.length()) {
          pending.append(c).append(line.charAt(i + 1));
          i += 2;
          continue;
        }
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '*') {
        comment = true;
      } else if (c == '#' || c == '-' && line.startsWith("-- ", i) || line.substring(i).equals("--")) {
        break; // a comment to the end of the line
      } else if (c == ';' || c == '\\' && i + 1 < line.length() && "gG".indexOf(line.charAt(i + 1)) >= 0) {
        boolean vertical = c == '\\' && line.charAt(i + 1) == 'G';
        String sql = pending.toString().strip();
        pending.setLength(0);
        if (!sql.isEmpty()) {
          done.add(new Statement(sql, vertical, startLine));
        }
        startLine = lineNumber;
        i += c == ';' ? 1 : 2;
        continue;
      }
      pending.append(c);
      i++;
    }
    if (pending.length() > 0 && !pending.toString().isBlank()) {
      pending.append('\n');
    } else {
      pending.setLength(0);
    }
    return done;
  }

  /** A line the client took as its own command: counted, not read. */
  void countLine() {
    lineNumber++;
  }

  /** The number of lines read so far. */
  int lineNumber() {
    return lineNumber;
  }

  /** The input ended: the statement left without its terminator, if any. */
  Statement end() {
    String sql = pending.toString().strip();
    pending.setLength(0);
    return sql.isEmpty() ? null : new Statement(sql, false, startLine);
  }

  /** Whether nothing is pending (the next line starts a statement). */
  boolean idle() {
    return pending.length() == 0 && quote == 0 && !comment;
  }

  /** Drops what was typed of the statement ({@code \c}). */
  void clear() {
    pending.setLength(0);
    quote = 0;
    comment = false;
  }

  /** The prompt of the next line: {@code mysql> } at a statement's start, else what it continues. */
  String prompt() {
    if (comment) {
      return "   /*> ";
    }
    if (quote != 0) {
      return "    " + quote + "> ";
    }
    return idle() ? "mysql> " : "    -> ";
  }
}
