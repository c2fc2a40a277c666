package io.dekube.kubelet.runtime.sh;

import java.util.ArrayList;
import java.util.List;

/**
 * The options that lead the arguments of {@code sh} and of {@code set}, as ash reads them: letters alone or
 * together ({@code -e -x}, {@code -eux}, {@code +e}), {@code -o NAME} / {@code +o NAME} (also inside a group:
 * {@code -euo pipefail}), then {@code --} or {@code -} or the first word that is no option; {@code c} (only for
 * {@code sh}) says that the first operand is the script. Pure.
 *
 * @param options  the options in order, each {@code -e}, {@code +x}, {@code -o pipefail}…
 * @param command  {@code -c}: the first operand is a script
 * @param operands the words after the options
 * @param ended    whether {@code --} ended the options ({@code set --} empties the positional parameters)
 * @param listed   a bare {@code -o} or {@code +o}: the options are to be listed
 */
public record ShellArgs(List<String> options, boolean command, List<String> operands, boolean ended, boolean listed) {

  /** The option letters ash knows; those it runs are {@code e}, {@code u} and {@code x}, the others are accepted. */
  private static final String LETTERS = "efuxvnaCmbhisl";

  /** An option ash does not know: its message ({@code illegal option -Z}). */
  public static final class Illegal extends Exception {
    Illegal(String message) {
      super(message, null, false, false);
    }
  }

  /** Reads {@code args}; {@code forSh}: {@code sh}'s, where {@code -c} is an option. */
  public static ShellArgs parse(List<String> args, boolean forSh) throws Illegal {
    List<String> options = new ArrayList<>();
    boolean command = false;
    boolean listed = false;
    int i = 0;
    for (; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("--") || a.equals("-")) {
        return new ShellArgs(options, command, args.subList(i + 1, args.size()), a.equals("--"), listed);
      }
      if (a.length() < 2 || (a.charAt(0) != '-' && a.charAt(0) != '+')) {
        break;
      }
      char sign = a.charAt(0);
      for (char c : a.substring(1).toCharArray()) {
        if (c == 'c' && forSh && sign == '-') {
          command = true;
        } else if (c == 'o') {
          if (i + 1 >= args.size()) {
            listed = true;
          } else {
            String name = args.get(++i);
            if (ShellOptions.letter(name) == 0) {
              throw new Illegal("Illegal option " + sign + "o " + name);
            }
            options.add(sign + "o " + name);
          }
        } else if (LETTERS.indexOf(c) >= 0) {
          options.add(sign + String.valueOf(c));
        } else {
          throw new Illegal("illegal option " + sign + c);
        }
      }
    }
    return new ShellArgs(options, command, args.subList(i, args.size()), false, listed);
  }
}
