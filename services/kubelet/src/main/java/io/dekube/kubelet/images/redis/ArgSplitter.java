package io.dekube.kubelet.images.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a line into arguments as redis does for inline requests, config files and {@code redis-cli}'s prompt:
 * spaces separate; {@code "..."} takes the escapes {@code \n \r \t \b \a \\ \"} and {@code \xHH}; {@code '...'}
 * takes only {@code \'}; a closing quote must be followed by a space or the end. Pure.
 */
final class ArgSplitter {

  private ArgSplitter() {
  }

  /** The arguments, or null for unbalanced quotes. */
  static List<String> split(String line) {
    List<String> args = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      while (i < n && Character.isWhitespace(line.charAt(i))) {
        i++;
      }
      if (i >= n) {
        return args;
      }
      StringBuilder cur = new StringBuilder();
      boolean inDouble = false;
      boolean inSingle = false;
      boolean done = false;
      while (!done) {
        if (i >= n) {
          if (inDouble || inSingle) {
            return null;
          }
          break;
        }
        char c = line.charAt(i);
        if (inDouble) {
          if (c == '\\' && i + 3 < n && line.charAt(i + 1) == 'x' && hex(line.charAt(i + 2)) && hex(line.charAt(i + 3))) {
            cur.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
            i += 3;
          } else if (c == '\\' && i + 1 < n) {
            i++;
            char e = line.charAt(i);
            cur.append(switch (e) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> (char) 7;
              default -> e;
            });
          } else if (c == '"') {
            if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
              return null;
            }
            done = true;
          } else {
            cur.append(c);
          }
        } else if (inSingle) {
          if (c == '\\' && i + 1 < n && line.charAt(i + 1) == '\'') {
            i++;
            cur.append('\'');
          } else if (c == '\'') {
            if (i + 1 < n && !Character.isWhitespace(line.charAt(i + 1))) {
              return null;
            }
            done = true;
          } else {
            cur.append(c);
          }
        } else if (Character.isWhitespace(c)) {
          done = true;
        } else if (c == '"') {
          inDouble = true;
        } else if (c == '\'') {
          inSingle = true;
        } else {
          cur.append(c);
        }
        i++;
      }
      args.add(cur.toString());
    }
  }

  private static boolean hex(char c) {
    return Character.digit(c, 16) >= 0;
  }
}
