package io.dekube.launcher;

/**
 * One command-line flag of {@code dekube}: its name ({@code --node-cpu}), the placeholder of its
 * value ({@code N}; null for a switch that takes no value) and one line of help.
 */
public record Flag(String name, String value, String help) {

  /** A flag that takes a value. */
  public static Flag of(String name, String value, String help) {
    return new Flag(name, value, help);
  }

  /** A switch: present means true. */
  public static Flag toggle(String name, String help) {
    return new Flag(name, null, help);
  }

  boolean takesValue() {
    return value != null;
  }

  String helpLine() {
    String left = takesValue() ? name + " " + value : name;
    return String.format("          %-34s %s%n", left, help);
  }
}
