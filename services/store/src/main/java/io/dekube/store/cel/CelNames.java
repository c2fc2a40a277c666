package io.dekube.store.cel;

import java.util.Optional;
import java.util.Set;

/**
 * Property names as CEL identifiers, as kube escapes them (k8s.io/apiserver/pkg/cel {@code Escape}):
 * {@code __} becomes {@code __underscores__}, {@code .} {@code __dot__}, {@code -} {@code __dash__},
 * {@code /} {@code __slash__}, and a name that is a CEL reserved word {@code __<word>__}
 * ({@code self.__namespace__}). A name that starts with a digit, is empty or has any other character
 * cannot be escaped: kube leaves such a property out of the rule's types. Pure.
 */
public final class CelNames {

  private static final Set<String> RESERVED = Set.of("true", "false", "null", "in", "as", "break", "const",
      "continue", "else", "for", "function", "if", "import", "let", "loop", "package", "namespace", "return", "var",
      "void", "while");

  private CelNames() {
  }

  /** {@code name} as a CEL identifier, or empty when it cannot be one. */
  public static Optional<String> escape(String name) {
    if (name.isEmpty() || name.charAt(0) >= '0' && name.charAt(0) <= '9') {
      return Optional.empty();
    }
    if (RESERVED.contains(name)) {
      return Optional.of("__" + name + "__");
    }
    if (plain(name)) {
      return Optional.of(name);
    }
    StringBuilder out = new StringBuilder(name.length() + 16);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '_' && i + 1 < name.length() && name.charAt(i + 1) == '_') {
        out.append("__underscores__");
        i++;
      } else if (c == '.') {
        out.append("__dot__");
      } else if (c == '-') {
        out.append("__dash__");
      } else if (c == '/') {
        out.append("__slash__");
      } else if (c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
        out.append(c);
      } else {
        return Optional.empty();
      }
    }
    return Optional.of(out.toString());
  }

  /** Whether {@code name} needs no escaping (letters, digits, single underscores): most names, without a copy. */
  private static boolean plain(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '_' && (i + 1 >= name.length() || name.charAt(i + 1) != '_');
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
