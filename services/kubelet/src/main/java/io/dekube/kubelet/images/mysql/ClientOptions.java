package io.dekube.kubelet.images.mysql;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of the image's client programs ({@code mysql}, {@code mysqladmin}) as MySQL's option parser reads
 * them: {@code -h HOST}/{@code -hHOST}/{@code --host=HOST}, {@code -P}, {@code -u}, {@code -pPASS} or
 * {@code --password=PASS} (a bare {@code -p} asks for it), {@code -e SQL}, {@code -D DB}, {@code -N}, {@code -B},
 * {@code -t}, {@code -s}, {@code -f}, {@code -V}; the words left are the database ({@code mysql}) or the commands
 * ({@code mysqladmin}). Without {@code -h} the programs use the local server (its socket, here the pod's own port
 * 3306), as root. Mutable while parsed.
 */
final class ClientOptions {

  String host;
  int port = 3306;
  String user = "root";
  /** The password; null when none was given, {@link #ASK} when {@code -p} came without one. */
  String password;
  String execute;
  String database;
  boolean skipColumnNames;
  boolean batch;
  boolean table;
  boolean silent;
  boolean force;
  boolean version;
  boolean help;
  final List<String> words = new ArrayList<>();
  /** The option that could not be read, as the program names it; null when all were. */
  String unknown;

  static final String ASK = "\0ask";

  /** Reads {@code args} (the words after the program's name). */
  static ClientOptions parse(List<String> args) {
    ClientOptions o = new ClientOptions();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String next = i + 1 < args.size() ? args.get(i + 1) : null;
      if (a.startsWith("--")) {
        i += o.longOption(a, next) ? 1 : 0;
      } else if (a.startsWith("-") && a.length() > 1) {
        i += o.shortOptions(a, next) ? 1 : 0;
      } else {
        o.words.add(a);
      }
      if (o.unknown != null) {
        break;
      }
    }
    return o;
  }

  /** Reads {@code --name[=value]}; true when it took {@code next} as its value. */
  private boolean longOption(String a, String next) {
    int eq = a.indexOf('=');
    String name = eq < 0 ? a.substring(2) : a.substring(2, eq);
    String value = eq < 0 ? null : a.substring(eq + 1);
    boolean takes = value == null && next != null && List.of("host", "port", "user", "execute", "database")
        .contains(name);
    String v = takes ? next : value;
    switch (name) {
      case "host" -> host = v;
      case "port" -> port = number(v);
      case "user" -> user = v;
      case "password" -> password = value == null ? ASK : value;
      case "execute" -> execute = v;
      case "database" -> database = v;
      case "skip-column-names" -> skipColumnNames = true;
      case "batch" -> batch = true;
      case "table" -> table = true;
      case "silent" -> silent = true;
      case "force" -> force = true;
      case "version" -> version = true;
      case "help" -> help = true;
      case "protocol", "default-character-set", "connect-timeout", "ssl-mode", "skip-ssl", "no-beep", "comments",
          "skip-comments", "wait", "get-server-public-key", "allow-public-key-retrieval", "no-auto-rehash",
          "auto-rehash", "unbuffered", "raw", "verbose", "show-warnings", "connect_timeout" -> {
        // accepted: nothing to change here
      }
      default -> unknown = "unknown option '--" + name + "'";
    }
    return takes;
  }

  /** Reads {@code -x[value]} (flags may be grouped: {@code -NB}); true when it took {@code next} as its value. */
  private boolean shortOptions(String a, String next) {
    for (int j = 1; j < a.length(); j++) {
      char c = a.charAt(j);
      String attached = a.substring(j + 1);
      switch (c) {
        case 'h', 'P', 'u', 'e', 'D' -> {
          boolean takes = attached.isEmpty();
          String v = takes ? next : attached;
          if (v == null) {
            unknown = "option '-" + c + "' requires an argument.";
            return false;
          }
          switch (c) {
            case 'h' -> host = v;
            case 'P' -> port = number(v);
            case 'u' -> user = v;
            case 'e' -> execute = v;
            default -> database = v;
          }
          return takes;
        }
        case 'p' -> {
          password = attached.isEmpty() ? ASK : attached;
          return false;
        }
        case 'N' -> skipColumnNames = true;
        case 'B' -> batch = true;
        case 't' -> table = true;
        case 's' -> silent = true;
        case 'f' -> force = true;
        case 'V' -> version = true;
        case 'A', 'n', 'q', 'v', 'w', 'r' -> {
          // no-auto-rehash, unbuffered, quick, verbose, wait, raw: nothing to change here
        }
        case '?' -> help = true;
        default -> {
          unknown = "unknown option '-" + c + "'.";
          return false;
        }
      }
    }
    return false;
  }

  private static int number(String v) {
    try {
      return v == null ? 3306 : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return 3306;
    }
  }

  /** Whether a password was given on the command line (the programs then warn that it is insecure). */
  boolean passwordOnCommandLine() {
    return password != null && !password.equals(ASK);
  }

  /** The address to connect to: {@code -h}, else the pod's own (the local server). */
  String address() {
    return host == null || host.equals("localhost") ? "127.0.0.1" : host;
  }
}
