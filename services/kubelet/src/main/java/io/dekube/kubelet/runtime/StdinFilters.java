package io.dekube.kubelet.runtime;

import io.dekube.kubelet.runtime.awk.Awk;
import java.util.List;
import java.util.Set;

/**
 * Which commands of the built-in shell read their stdin when they are a session's own command (a
 * container's {@code command: [cat]} with {@code stdin: true}, {@code kubectl exec -i POD -- grep x}):
 * the text filters given no file operands, as busybox's read standard input then. Pure.
 */
final class StdinFilters {

  private static final Set<String> FILTERS = Set.of("cat", "grep", "head", "tail", "wc", "sort", "uniq", "tr", "cut",
      "rev", "sed");

  private StdinFilters() {
  }

  /** {@code cat} or {@code cat -}: stdin copied to stdout as it comes. */
  static boolean echoes(List<String> argv) {
    return !argv.isEmpty() && name(argv).equals("cat") && operands(argv).isEmpty();
  }

  /**
   * {@code awk ARGS} with its program parsed, to be handed on to the run ({@link Awk.Command#readsStdin()}: whether
   * it reads stdin); null for another command or a bad awk command line (its error comes when it runs).
   */
  static Awk.Command awk(List<String> argv) {
    if (argv.isEmpty() || !name(argv).equals("awk")) {
      return null;
    }
    try {
      return Awk.command(argv.subList(1, argv.size()));
    } catch (Awk.BadUsage e) {
      return null;
    }
  }

  /**
   * A filter with no file operand (grep's first operand is its pattern, unless {@code -e} gave it); awk answers
   * through {@link #awk}.
   */
  static boolean reads(List<String> argv) {
    if (argv.isEmpty() || !FILTERS.contains(name(argv))) {
      return false;
    }
    String name = name(argv);
    if (name.equals("tr")) {
      return true; // its operands are sets, never files
    }
    List<String> operands = operands(argv);
    boolean patternGiven = argv.contains("-e");
    boolean scripted = name.equals("grep") || name.equals("sed"); // their first operand
    return scripted && !patternGiven ? operands.size() <= 1 : operands.isEmpty();
  }

  private static String name(List<String> argv) {
    return argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
  }

  private static List<String> operands(List<String> argv) {
    List<String> out = new java.util.ArrayList<>();
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("-")) {
        continue;
      }
      if (a.startsWith("-") && a.length() > 1) {
        if (TextFilters.takesValue(name(argv), a)) {
          i++;
        }
        continue;
      }
      out.add(a);
    }
    return out;
  }
}
