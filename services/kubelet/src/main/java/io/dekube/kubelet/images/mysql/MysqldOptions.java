package io.dekube.kubelet.images.mysql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * mysqld's options as the server reads them: the {@code [mysqld]} (and {@code [server]}) groups of the option files
 * the image's {@code /etc/mysql/my.cnf} includes ({@code /etc/mysql/conf.d/*.cnf}, in name order), then the
 * command line's {@code --name[=value]}; {@code -} and {@code _} are the same in a name, a later value wins. What
 * the replication pages set: {@code server-id}, {@code log-bin[=basename]}, {@code super-read-only},
 * {@code read-only}, {@code skip-slave-start}. Immutable.
 */
record MysqldOptions(Map<String, String> values) {

  /** The options of {@code files} (their texts, in order) and then of {@code commandLine}. */
  static MysqldOptions of(List<String> files, List<String> commandLine) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String text : files) {
      boolean mine = false;
      for (String raw : text.split("\n")) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#") || line.startsWith(";") || line.startsWith("!")) {
          continue;
        }
        if (line.startsWith("[")) {
          String group = line.replaceAll("[\\[\\]\\s]", "").toLowerCase(Locale.ROOT);
          mine = group.equals("mysqld") || group.equals("server");
          continue;
        }
        if (mine) {
          put(values, line);
        }
      }
    }
    for (String o : commandLine) {
      if (o.startsWith("--")) {
        put(values, o.substring(2));
      }
    }
    return new MysqldOptions(values);
  }

  private static void put(Map<String, String> values, String option) {
    int eq = option.indexOf('=');
    String name = (eq < 0 ? option : option.substring(0, eq)).strip().toLowerCase(Locale.ROOT).replace('_', '-');
    String value = eq < 0 ? "" : option.substring(eq + 1).strip().replaceAll("^\"(.*)\"$", "$1");
    if (name.startsWith("skip-") && eq < 0 && !name.equals("skip-slave-start") && !name.equals("skip-replica-start")) {
      values.put(name.substring(5), "0");
      return;
    }
    values.put(name, value);
  }

  /** Whether a flag option is on: given without a value, or as 1/ON/TRUE. */
  boolean on(String name) {
    String v = values.get(name);
    return v != null && (v.isEmpty() || v.equals("1") || v.equalsIgnoreCase("ON") || v.equalsIgnoreCase("TRUE"));
  }

  /** {@code server-id}: {@code fallback} when not given (5.7's default is 0, 8.0's 1). */
  long serverId(long fallback) {
    String v = values.get("server-id");
    return v != null && v.matches("\\d+") ? Long.parseLong(v) : fallback;
  }

  /** The binary log's base name, or null when {@code log-bin} is not given: a bare one is {@code <hostname>-bin}. */
  String logBin(String hostname) {
    String v = values.get("log-bin");
    if (v == null || v.equals("0") || v.equalsIgnoreCase("OFF")) {
      return null;
    }
    String base = v.isEmpty() || v.equals("1") || v.equalsIgnoreCase("ON") ? hostname + "-bin" : v;
    return base.substring(base.lastIndexOf('/') + 1).replaceAll("\\.\\d+$", "");
  }
}
