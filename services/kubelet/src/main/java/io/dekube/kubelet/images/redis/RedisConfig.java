package io.dekube.kubelet.images.redis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A redis server's configuration: the directives of a {@code redis.conf} and of {@code redis-server --name value}
 * over redis 6's defaults (those of the official image: {@code protected-mode no}, {@code dir /data}), as
 * {@code CONFIG GET} shows them (memory values in bytes, {@code 2mb} is 2097152) and {@code CONFIG SET} changes
 * them. A bad line stops the server with redis's {@code FATAL CONFIG FILE ERROR}. Not thread-safe.
 */
final class RedisConfig {

  /** A line of the configuration redis refuses. */
  static final class ConfigException extends Exception {
    final int line;
    final String text;

    ConfigException(int line, String text, String message) {
      super(message);
      this.line = line;
      this.text = text;
    }
  }

  private enum Kind { INT, MEMORY, BOOL, ENUM, STRING, SAVE, REPLICAOF }

  private record Directive(String name, String alias, Kind kind, String fallback, long min, long max,
                           List<String> values, boolean settable) {
  }

  private static final List<String> POLICIES = List.of("volatile-lru", "volatile-lfu", "volatile-random",
      "volatile-ttl", "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction");
  private static final Map<String, Directive> DIRECTIVES = new LinkedHashMap<>();

  static {
    integer("port", 6379, 0, 65535, false);
    text("bind", "", false);
    bool("protected-mode", "no", true);
    integer("tcp-backlog", 511, 0, Integer.MAX_VALUE, false);
    integer("timeout", 0, 0, Integer.MAX_VALUE, true);
    integer("tcp-keepalive", 300, 0, Integer.MAX_VALUE, true);
    bool("daemonize", "no", false);
    choice("supervised", "no", List.of("upstart", "systemd", "auto", "no"), false);
    text("pidfile", "", false);
    choice("loglevel", "notice", List.of("debug", "verbose", "notice", "warning"), true);
    text("logfile", "", false);
    integer("databases", 16, 1, Integer.MAX_VALUE, false);
    put(new Directive("save", null, Kind.SAVE, "900 1 300 10 60 10000", 0, 0, List.of(), true));
    bool("stop-writes-on-bgsave-error", "yes", true);
    bool("rdbcompression", "yes", true);
    bool("rdbchecksum", "yes", true);
    text("dbfilename", "dump.rdb", true);
    text("dir", "/data", true);
    put(new Directive("replicaof", "slaveof", Kind.REPLICAOF, "", 0, 0, List.of(), false));
    text("masterauth", "", true);
    put(new Directive("replica-serve-stale-data", "slave-serve-stale-data", Kind.BOOL, "yes", 0, 0, List.of(), true));
    put(new Directive("replica-read-only", "slave-read-only", Kind.BOOL, "yes", 0, 0, List.of(), true));
    bool("repl-diskless-sync", "no", true);
    put(new Directive("repl-ping-replica-period", "repl-ping-slave-period", Kind.INT, "10", 1, Integer.MAX_VALUE,
        List.of(), true));
    integer("repl-timeout", 60, 1, Integer.MAX_VALUE, true);
    memory("repl-backlog-size", 1024 * 1024, true);
    put(new Directive("replica-priority", "slave-priority", Kind.INT, "100", 0, Integer.MAX_VALUE, List.of(), true));
    text("requirepass", "", true);
    integer("maxclients", 10000, 1, Integer.MAX_VALUE, true);
    memory("maxmemory", 0, true);
    choice("maxmemory-policy", "noeviction", POLICIES, true);
    integer("maxmemory-samples", 5, 1, Integer.MAX_VALUE, true);
    bool("lazyfree-lazy-eviction", "no", true);
    bool("appendonly", "no", true);
    text("appendfilename", "appendonly.aof", false);
    choice("appendfsync", "everysec", List.of("always", "everysec", "no"), true);
    integer("lua-time-limit", 5000, 0, Long.MAX_VALUE, true);
    integer("slowlog-log-slower-than", 10000, -1, Long.MAX_VALUE, true);
    integer("slowlog-max-len", 128, 0, Long.MAX_VALUE, true);
    text("notify-keyspace-events", "", true);
    integer("hash-max-ziplist-entries", 512, 0, Long.MAX_VALUE, true);
    integer("hash-max-ziplist-value", 64, 0, Long.MAX_VALUE, true);
    integer("list-max-ziplist-size", -2, Integer.MIN_VALUE, Integer.MAX_VALUE, true);
    integer("hz", 10, 0, Integer.MAX_VALUE, true);
    integer("io-threads", 1, 1, 128, false);
  }

  private final Map<String, String> values = new LinkedHashMap<>();
  private final String version;
  private String file = "";

  /** The defaults of redis {@code version} ({@code 6.0.5}): its fatal errors name it from 6 on. */
  RedisConfig(String version) {
    this.version = version;
    DIRECTIVES.values().forEach(d -> values.put(d.name, d.fallback));
  }

  /** The path of the config file read, or empty. */
  String file() {
    return file;
  }

  /**
   * Reads a config file's text and then the command line's {@code --name value...} options (appended as lines,
   * as redis does), in order; the first bad line fails.
   */
  void load(String path, String text, List<String> options) throws ConfigException {
    this.file = path == null ? "" : path;
    StringBuilder all = new StringBuilder(text == null ? "" : text);
    if (all.length() > 0 && all.charAt(all.length() - 1) != '\n') {
      all.append('\n');
    }
    StringBuilder line = null;
    for (String o : options) {
      if (o.startsWith("--")) {
        if (line != null) {
          all.append(line).append('\n');
        }
        line = new StringBuilder(o.substring(2));
      } else if (line != null) {
        line.append(' ').append(quote(o));
      }
    }
    if (line != null) {
      all.append(line).append('\n');
    }
    String[] lines = all.toString().split("\n", -1);
    boolean saveSeen = false;
    for (int i = 0; i < lines.length; i++) {
      String raw = lines[i].strip();
      if (raw.isEmpty() || raw.startsWith("#")) {
        continue;
      }
      List<String> argv = ArgSplitter.split(raw);
      if (argv == null) {
        throw new ConfigException(i + 1, raw, "Unbalanced quotes in configuration line");
      }
      String name = argv.get(0).toLowerCase(Locale.ROOT);
      Directive d = directive(name);
      if (d != null && d.kind == Kind.SAVE && !saveSeen) {
        values.put("save", "");
        saveSeen = true;
      }
      String error = d == null ? "Bad directive or wrong number of arguments" : apply(d, argv.subList(1, argv.size()));
      if (error != null) {
        throw new ConfigException(i + 1, raw, error);
      }
    }
  }

  private static String quote(String arg) {
    return arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace) || arg.contains("\"")
        ? "\"" + arg.replace("\\", "\\\\").replace("\"", "\\\"") + "\"" : arg;
  }

  /** Redis's report of a bad line, as the server prints it on stderr before it exits 1. */
  String fatal(ConfigException e) {
    String head = version.startsWith("5.") || version.startsWith("4.") ? "*** FATAL CONFIG FILE ERROR ***"
        : "*** FATAL CONFIG FILE ERROR (Redis " + version + ") ***";
    return "\n" + head + "\nReading the configuration file, at line " + e.line + "\n>>> '" + e.text + "'\n"
        + e.getMessage() + "\n";
  }

  /** The value of {@code name} as {@code CONFIG GET} shows it. */
  String get(String name) {
    Directive d = directive(name);
    return d == null ? null : values.get(d.name);
  }

  long number(String name) {
    return Long.parseLong(get(name));
  }

  boolean yes(String name) {
    return "yes".equals(get(name));
  }

  /** {@code CONFIG GET pattern}: name, value pairs of the directives (and aliases) it matches. */
  List<String> matching(String pattern) {
    List<String> out = new ArrayList<>();
    for (Directive d : DIRECTIVES.values()) {
      if (Glob.matches(pattern, d.name, true)) {
        out.add(d.name);
        out.add(values.get(d.name));
      }
      if (d.alias != null && Glob.matches(pattern, d.alias, true)) {
        out.add(d.alias);
        out.add(values.get(d.name));
      }
    }
    return out;
  }

  /** {@code CONFIG SET name value}: null when done, else redis's error text. */
  String set(String name, String value) {
    Directive d = directive(name.toLowerCase(Locale.ROOT));
    if (d == null || !d.settable) {
      return "ERR Unsupported CONFIG parameter: " + name;
    }
    List<String> args = d.kind == Kind.SAVE ? ArgSplitter.split(value) : List.of(value);
    String error = args == null ? "bad" : apply(d, d.kind == Kind.SAVE && value.isBlank() ? List.of("") : args);
    return error == null ? null : "ERR Invalid argument '" + value + "' for CONFIG SET '" + name + "'";
  }

  /** Sets what {@code REPLICAOF host port} / {@code NO ONE} names: empty for none. */
  void replicaof(String hostPort) {
    values.put("replicaof", hostPort);
  }

  private static Directive directive(String name) {
    Directive d = DIRECTIVES.get(name);
    if (d != null) {
      return d;
    }
    return DIRECTIVES.values().stream().filter(x -> name.equals(x.alias)).findFirst().orElse(null);
  }

  private String apply(Directive d, List<String> args) {
    if (d.kind == Kind.SAVE) {
      return save(args);
    }
    if (d.kind == Kind.REPLICAOF) {
      if (args.size() != 2) {
        return "wrong number of arguments";
      }
      values.put(d.name, args.get(0) + " " + args.get(1));
      return null;
    }
    if (args.size() != 1) {
      return "wrong number of arguments";
    }
    String v = args.get(0);
    switch (d.kind) {
      case BOOL -> {
        String b = v.toLowerCase(Locale.ROOT);
        if (!b.equals("yes") && !b.equals("no")) {
          return "argument must be 'yes' or 'no'";
        }
        values.put(d.name, b);
      }
      case ENUM -> {
        String e = v.toLowerCase(Locale.ROOT);
        if (!d.values.contains(e)) {
          return "argument(s) must be one of the following: " + String.join(", ", d.values);
        }
        values.put(d.name, e);
      }
      case MEMORY -> {
        Long bytes = memory(v);
        if (bytes == null) {
          return "argument must be a memory value";
        }
        values.put(d.name, Long.toString(bytes));
      }
      case INT -> {
        long n;
        try {
          n = Long.parseLong(v);
        } catch (NumberFormatException e) {
          return "argument couldn't be parsed into an integer";
        }
        if (n < d.min || n > d.max) {
          return "argument must be between " + d.min + " and " + d.max + " inclusive";
        }
        values.put(d.name, Long.toString(n));
      }
      default -> values.put(d.name, v);
    }
    return null;
  }

  private String save(List<String> args) {
    if (args.size() == 1 && args.get(0).isEmpty()) {
      values.put("save", "");
      return null;
    }
    if (args.size() % 2 != 0) {
      return "Invalid save parameters";
    }
    for (String a : args) {
      if (!a.matches("\\d+")) {
        return "Invalid save parameters";
      }
    }
    String before = values.get("save");
    values.put("save", (before.isEmpty() ? "" : before + " ") + String.join(" ", args));
    return null;
  }

  /** Redis's memory units: {@code 1k} = 1000, {@code 1kb} = 1024, up to {@code gb}; case-insensitive. */
  static Long memory(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    int i = 0;
    if (i < s.length() && s.charAt(i) == '-') {
      i++;
    }
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    String digits = s.substring(0, i);
    if (digits.isEmpty() || digits.equals("-")) {
      return null;
    }
    long mul = switch (s.substring(i)) {
      case "", "b" -> 1;
      case "k" -> 1000;
      case "kb" -> 1024;
      case "m" -> 1000L * 1000;
      case "mb" -> 1024L * 1024;
      case "g" -> 1000L * 1000 * 1000;
      case "gb" -> 1024L * 1024 * 1024;
      default -> 0;
    };
    if (mul == 0) {
      return null;
    }
    try {
      long n = Long.parseLong(digits);
      return n < 0 ? null : Math.multiplyExact(n, mul);
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  private static void put(Directive d) {
    DIRECTIVES.put(d.name, d);
  }

  private static void integer(String name, long fallback, long min, long max, boolean settable) {
    put(new Directive(name, null, Kind.INT, Long.toString(fallback), min, max, List.of(), settable));
  }

  private static void memory(String name, long fallback, boolean settable) {
    put(new Directive(name, null, Kind.MEMORY, Long.toString(fallback), 0, Long.MAX_VALUE, List.of(), settable));
  }

  private static void bool(String name, String fallback, boolean settable) {
    put(new Directive(name, null, Kind.BOOL, fallback, 0, 0, List.of(), settable));
  }

  private static void choice(String name, String fallback, List<String> values, boolean settable) {
    put(new Directive(name, null, Kind.ENUM, fallback, 0, 0, values, settable));
  }

  private static void text(String name, String fallback, boolean settable) {
    put(new Directive(name, null, Kind.STRING, fallback, 0, 0, List.of(), settable));
  }
}
