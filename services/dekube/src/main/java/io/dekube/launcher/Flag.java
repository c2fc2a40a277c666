package io.dekube.launcher;

/**
 * One command-line flag of {@code dekube}: its name ({@code --node-cpu}), the placeholder of its
 * value ({@code N}; null for a switch that takes no value), one line of help, and whether each use adds to a
 * comma-separated list (as pflag's slice and map flags: {@code --x a,b --x c} is {@code a,b,c}) instead of the
 * last use winning.
 */
public record Flag(String name, String value, String help, boolean repeatable) {

  /** A flag that takes a value; given twice, the last one counts (as pflag's scalar flags). */
  public static Flag of(String name, String value, String help) {
    return new Flag(name, value, help, false);
  }

  /** A comma-separated list flag that may be given again to add to the list. */
  public static Flag list(String name, String value, String help) {
    return new Flag(name, value, help, true);
  }

  /** A switch: present means true. */
  public static Flag toggle(String name, String help) {
    return new Flag(name, null, help, false);
  }

  boolean takesValue() {
    return value != null;
  }

  /** The flag's line of {@code ./dekube help}; a flag too long for the column has its help on the next line. */
  String helpLine() {
    String left = takesValue() ? name + " " + value : name;
    if (left.length() > 34) {
      return String.format("          %s%n          %-34s %s%n", left, "", help);
    }
    return String.format("          %-34s %s%n", left, help);
  }
}
