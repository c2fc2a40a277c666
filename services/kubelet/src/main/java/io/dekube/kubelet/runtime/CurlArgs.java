package io.dekube.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code curl} that the built-in one understands: {@code -s}, {@code -S}, {@code -i}, {@code -I},
 * {@code -v}, {@code -f}, {@code -L}, {@code -k} (bundled too: {@code -fsSL}), {@code --cacert FILE}, {@code -o FILE},
 * {@code -X METHOD},
 * {@code -H 'Name: value'}, {@code -d DATA} (a POST, as a form), {@code -A AGENT}, {@code -m SEC},
 * {@code --connect-timeout SEC}, {@code -w FORMAT}, then one URL. Long names as curl spells them. Pure.
 *
 * @param writeOut {@code -w}'s format, or null
 * @param insecure {@code -k}: the server's certificate is not checked
 * @param caCert   {@code --cacert}'s file, the certificates a server's must chain to (else the system's), or null
 */
record CurlArgs(boolean silent, boolean showError, boolean include, boolean head, boolean verbose, boolean fail,
                boolean follow, String output, String method, List<String> headers, String data, String userAgent,
                int maxTimeSeconds, int connectTimeoutSeconds, String writeOut, String url, boolean insecure,
                String caCert) {

  /** curl's own connect timeout when none is given. */
  static final int DEFAULT_CONNECT_TIMEOUT = 300;

  /** Thrown for arguments curl refuses: the message and the exit code it ends with. */
  static final class Refused extends IllegalArgumentException {
    final int code;

    Refused(int code, String message) {
      super(message, null);
      this.code = code;
    }
  }

  /** The method of the request: {@code -X}, else HEAD for {@code -I}, POST with {@code -d}, GET. */
  String effectiveMethod() {
    return method != null ? method : head ? "HEAD" : data != null ? "POST" : "GET";
  }

  /** Whether curl prints its errors: not with {@code -s} unless {@code -S}. */
  boolean tellsErrors() {
    return !silent || showError;
  }

  /** Parses {@code args}; throws {@link Refused} with curl's message and exit code. */
  static CurlArgs parse(List<String> args) {
    Builder b = new Builder();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--")) {
        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        if (takesValue(name)) {
          String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : value(args, ++i, name);
          b.set(name, v);
        } else {
          b.flag(name);
        }
      } else if (a.startsWith("-") && a.length() > 1) {
        for (int j = 1; j < a.length(); j++) {
          String name = "-" + a.charAt(j);
          if (takesValue(name)) {
            b.set(name, j + 1 < a.length() ? a.substring(j + 1) : value(args, ++i, name));
            break;
          }
          b.flag(name);
        }
      } else if (b.url == null) {
        b.url = a;
      }
    }
    if (b.url == null) {
      throw new Refused(2, "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information");
    }
    return new CurlArgs(b.silent, b.showError, b.include, b.head, b.verbose, b.fail, b.follow, b.output, b.method,
        List.copyOf(b.headers), b.data, b.agent, b.maxTime, b.connectTimeout, b.writeOut, b.url, b.insecure, b.caCert);
  }

  private static boolean takesValue(String name) {
    return List.of("-o", "--output", "-X", "--request", "-H", "--header", "-d", "--data", "--data-raw",
        "--data-binary", "-A", "--user-agent", "-m", "--max-time", "--connect-timeout", "-w", "--write-out",
        "--cacert")
        .contains(name);
  }

  private static String value(List<String> args, int i, String option) {
    if (i >= args.size()) {
      throw new Refused(2, "curl: option " + option + ": requires parameter\n"
          + "curl: try 'curl --help' or 'curl --manual' for more information");
    }
    return args.get(i);
  }

  /** The fields while parsing. */
  private static final class Builder {
    boolean silent;
    boolean showError;
    boolean include;
    boolean head;
    boolean verbose;
    boolean fail;
    boolean follow;
    String output;
    String method;
    final List<String> headers = new ArrayList<>();
    String data;
    String agent = "curl/7.88.1";
    int maxTime;
    int connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    String writeOut;
    String url;
    boolean insecure;
    String caCert;

    void flag(String name) {
      switch (name) {
        case "-s", "--silent" -> silent = true;
        case "-S", "--show-error" -> showError = true;
        case "-i", "--include" -> include = true;
        case "-I", "--head" -> head = true;
        case "-v", "--verbose" -> verbose = true;
        case "-f", "--fail" -> fail = true;
        case "-L", "--location" -> follow = true;
        case "-k", "--insecure" -> insecure = true;
        case "-4", "--ipv4", "-N", "--no-buffer", "--compressed" -> { }
        default -> throw new Refused(2, "curl: option " + name + ": is unknown\n"
            + "curl: try 'curl --help' or 'curl --manual' for more information");
      }
    }

    void set(String name, String v) {
      switch (name) {
        case "-o", "--output" -> output = v;
        case "-X", "--request" -> method = v;
        case "-H", "--header" -> headers.add(v);
        case "-d", "--data", "--data-raw", "--data-binary" -> data = data == null ? v : data + "&" + v;
        case "-A", "--user-agent" -> agent = v;
        case "-m", "--max-time" -> maxTime = seconds(name, v);
        case "--connect-timeout" -> connectTimeout = seconds(name, v);
        case "--cacert" -> caCert = v;
        default -> writeOut = v;
      }
    }

    private static int seconds(String name, String v) {
      try {
        return Math.max(1, (int) Math.ceil(Double.parseDouble(v.trim())));
      } catch (NumberFormatException e) {
        throw new Refused(2, "curl: option " + name + ": expected a proper numerical parameter\n"
            + "curl: try 'curl --help' or 'curl --manual' for more information");
      }
    }
  }
}
