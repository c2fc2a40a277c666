package io.dekube.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of busybox's {@code wget} that the built-in one understands: {@code -q}, {@code -O FILE}
 * ({@code -} = stdout; also written {@code -O-}, {@code -qO-}, {@code -qO FILE}), {@code -T SEC},
 * {@code -S}, {@code --spider}, {@code -U AGENT}, {@code --header 'H: v'}, then one URL. Pure.
 */
record WgetArgs(boolean quiet, String output, int timeoutSeconds, boolean serverResponse, boolean spider,
                String userAgent, List<String> headers, String url) {

  /** busybox's default network timeout. */
  static final int DEFAULT_TIMEOUT = 900;

  boolean toStdout() {
    return "-".equals(output);
  }

  /** Parses {@code args}; throws {@link IllegalArgumentException} with busybox's message. */
  static WgetArgs parse(List<String> args) {
    boolean quiet = false;
    boolean server = false;
    boolean spider = false;
    String output = null;
    int timeout = DEFAULT_TIMEOUT;
    String agent = "Wget";
    List<String> headers = new ArrayList<>();
    String url = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--spider")) {
        spider = true;
      } else if (a.equals("--header") || a.equals("-U") || a.equals("--user-agent") || a.equals("-T")
          || a.equals("--timeout") || a.equals("--output-document")) {
        String v = value(args, ++i, a);
        switch (a) {
          case "--header" -> headers.add(v);
          case "-U", "--user-agent" -> agent = v;
          case "--output-document" -> output = v;
          default -> timeout = seconds(v);
        }
      } else if (a.startsWith("--output-document=") || a.startsWith("--timeout=") || a.startsWith("--header=")) {
        String v = a.substring(a.indexOf('=') + 1);
        if (a.startsWith("--output-document=")) {
          output = v;
        } else if (a.startsWith("--timeout=")) {
          timeout = seconds(v);
        } else {
          headers.add(v);
        }
      } else if (a.equals("-q") || a.equals("--quiet")) {
        quiet = true;
      } else if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--")) {
        // bundled short options: -qO- , -qO FILE, -O-, -qS, -T5
        for (int j = 1; j < a.length(); j++) {
          char c = a.charAt(j);
          if (c == 'q') {
            quiet = true;
          } else if (c == 'S') {
            server = true;
          } else if (c == 'O' || c == 'T' || c == 'U') {
            String v = j + 1 < a.length() ? a.substring(j + 1) : value(args, ++i, "-" + c);
            if (c == 'O') {
              output = v;
            } else if (c == 'T') {
              timeout = seconds(v);
            } else {
              agent = v;
            }
            break;
          } else if (c != 'c' && c != 's') {
            throw new IllegalArgumentException("unrecognized option '-" + c + "'");
          }
        }
      } else if (a.startsWith("--")) {
        throw new IllegalArgumentException("unrecognized option '" + a + "'");
      } else {
        url = a;
      }
    }
    if (url == null) {
      throw new IllegalArgumentException("missing URL\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] "
          + "[--header 'HEADER: VALUE'] [-Y on/off] [-P DIR] [-U AGENT] [-T SEC] URL...");
    }
    return new WgetArgs(quiet, output, timeout, server, spider, agent, List.copyOf(headers), url);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new IllegalArgumentException("option requires an argument -- '" + option.replaceFirst("^-+", "") + "'");
    }
    return args.get(i);
  }

  private static int seconds(String v) {
    try {
      return Math.max(1, Integer.parseInt(v.trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("invalid number '" + v + "'");
    }
  }
}
