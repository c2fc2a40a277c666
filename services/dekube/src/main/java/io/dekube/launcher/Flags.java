package io.dekube.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsed command-line flags ({@code --flag value}, {@code --flag=value}, {@code --switch}),
 * checked against the flags the components declare. Typed getters throw
 * IllegalArgumentException with a message that names the flag and the bad value. Immutable.
 */
public final class Flags {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h)?");

  private final Map<String, String> values;
  private final Map<String, List<String>> occurrences;

  private Flags(Map<String, String> values, Map<String, List<String>> occurrences) {
    this.values = values;
    this.occurrences = occurrences;
  }

  /** No flags given: every getter answers its default. */
  public static Flags none() {
    return new Flags(Map.of(), Map.of());
  }

  /**
   * Parses a command line of operands and flags ({@code FILE... --kafka HOST:PORT}): the arguments that do not start
   * with {@code --} (and are no flag's value) go to {@code operands}, the flags are parsed as {@link #parse}.
   */
  static Flags parseWithOperands(List<String> args, Collection<Flag> known, List<String> operands) {
    List<String> flagArgs = new java.util.ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("--")) {
        flagArgs.add(a);
        if (!a.contains("=") && i + 1 < args.size()) {
          flagArgs.add(args.get(++i));
        }
      } else {
        operands.add(a);
      }
    }
    return parse(flagArgs, known);
  }

  /** Parses args against the known flags; unknown flags and missing values are refused. */
  public static Flags parse(List<String> args, Collection<Flag> known) {
    Map<String, Flag> byName = new LinkedHashMap<>();
    known.forEach(f -> byName.put(f.name(), f));
    Deque<String> rest = new ArrayDeque<>(args);
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, List<String>> occurrences = new LinkedHashMap<>();
    while (!rest.isEmpty()) {
      String token = rest.poll();
      int eq = token.indexOf('=');
      String name = token.startsWith("--") && eq > 0 ? token.substring(0, eq) : token;
      Flag flag = byName.get(name);
      if (flag == null) {
        throw new IllegalArgumentException("unknown flag " + name + " (see ./dekube help)");
      }
      String value;
      if (eq > 0 && token.startsWith("--")) {
        value = token.substring(eq + 1);
      } else if (!flag.takesValue()) {
        value = "true";
      } else {
        value = rest.poll();
        if (value == null) {
          throw new IllegalArgumentException("flag " + name + " needs a value (" + flag.value() + ")");
        }
      }
      String before = values.get(name);
      values.put(name, flag.repeatable() && before != null && !before.isEmpty() ? before + "," + value : value);
      occurrences.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
    }
    return new Flags(values, occurrences);
  }

  /**
   * Each value given for a flag, in order, as given (pflag's string array: {@code --x a,b --x c} is {@code [a,b, c]},
   * commas kept); empty when it was not given.
   */
  public List<String> occurrences(String name) {
    return occurrences.getOrDefault(name, List.of());
  }

  /** The raw value, if given. */
  public Optional<String> raw(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public boolean toggle(String name) {
    String v = values.get(name);
    if (v == null) {
      return false;
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException(name + " is true or false, got " + v);
  }

  public Path path(String name, Path fallback) {
    String v = values.get(name);
    return v == null ? fallback : Path.of(v);
  }

  public int port(String name, int fallback) {
    int p = integer(name, fallback);
    if (p < 0 || p > 65535) {
      throw new IllegalArgumentException(name + " must be a port 0-65535, got " + p);
    }
    return p;
  }

  /** An integer of at least {@code min}. */
  public int count(String name, int min, int fallback) {
    int n = integer(name, fallback);
    if (n < min) {
      throw new IllegalArgumentException(name + " must be at least " + min + ", got " + n);
    }
    return n;
  }

  public int integer(String name, int fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " needs a number, got " + v);
    }
  }

  /** A duration written as kube's flags write them: {@code 40s}, {@code 500ms}, {@code 5m}, {@code 1h}; a bare number is seconds. */
  public Duration duration(String name, Duration fallback) {
    String v = values.get(name);
    if (v == null) {
      return fallback;
    }
    Matcher m = DURATION.matcher(v.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(name + " needs a duration such as 40s, 500ms or 5m, got " + v);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }
}
