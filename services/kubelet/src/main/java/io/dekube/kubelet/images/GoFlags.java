package io.dekube.kubelet.images;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Command-line flags as the Go programs behind the images read them: {@code -name=value}, {@code -name value},
 * {@code --name=value}, {@code --name value}, a boolean flag alone ({@code -v}) or with {@code =true|false}.
 * Go's {@code flag} package ({@link #std}) stops at the first argument that is not a flag; cobra's pflag
 * ({@link #pflag}) takes only {@code --long} flags and lets positional arguments stand between them. Pure.
 *
 * @param values     the flags given, by name (booleans as {@code true}/{@code false}), the last one winning
 * @param positional the other arguments, in order
 * @param error      what the program says of a flag it does not know or that lacks its value; null when none
 */
record GoFlags(Map<String, String> values, List<String> positional, String error) {

  /** Go's {@code flag.Parse}: {@code valued} take a value, {@code bools} do not. */
  static GoFlags std(List<String> args, Set<String> valued, Set<String> bools) {
    return parse(args, valued, bools, false);
  }

  /** Cobra's flag parsing for a subcommand. */
  static GoFlags pflag(List<String> args, Set<String> valued, Set<String> bools) {
    return parse(args, valued, bools, true);
  }

  /** The value of {@code name}, or {@code fallback} when not given. */
  String get(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  private static GoFlags parse(List<String> args, Set<String> valued, Set<String> bools, boolean cobra) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> positional = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      boolean flag = cobra ? a.startsWith("--") && a.length() > 2 : a.startsWith("-") && a.length() > 1;
      if (a.equals("--")) {
        positional.addAll(args.subList(i + 1, args.size()));
        break;
      }
      if (!flag) {
        if (!cobra) {
          positional.addAll(args.subList(i, args.size()));
          break;
        }
        positional.add(a);
        continue;
      }
      String body = a.startsWith("--") ? a.substring(2) : a.substring(1);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      String shown = cobra ? "--" + name : "-" + name;
      if (bools.contains(name)) {
        values.put(name, eq < 0 ? "true" : body.substring(eq + 1));
      } else if (valued.contains(name)) {
        if (eq >= 0) {
          values.put(name, body.substring(eq + 1));
        } else if (i + 1 < args.size()) {
          values.put(name, args.get(++i));
        } else {
          return new GoFlags(values, positional, "flag needs an argument: " + shown);
        }
      } else {
        return new GoFlags(values, positional, cobra ? "unknown flag: " + shown
            : "flag provided but not defined: " + shown);
      }
    }
    return new GoFlags(values, positional, null);
  }
}
