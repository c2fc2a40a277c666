package io.dekube.kubelet.runtime.awk;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * awk's built-in functions: string ({@code length substr index split sub gsub match sprintf tolower toupper}),
 * numeric, and {@code close} and {@code system} (over {@link AwkIo}).
 */
final class AwkBuiltins {

  private AwkBuiltins() {
  }

  static AwkProgram.Expr call(String name, List<AwkProgram.Expr> a) {
    int min = switch (name) {
      case "length", "rand", "srand" -> 0;
      case "tolower", "toupper", "int", "sqrt", "exp", "log", "sin", "cos", "close", "system" -> 1;
      case "sprintf" -> 1;
      default -> 2;
    };
    if (a.size() < min) {
      throw new AwkException("not enough arguments in call to " + name);
    }
    return switch (name) {
      case "length" -> st -> {
        if (a.isEmpty()) {
          return AwkValue.of(st.field(0).toText().length());
        }
        if (a.get(0) instanceof AwkProgram.Variable v && v.isArray(st)) {
          return AwkValue.of(v.array(st).size());
        }
        return AwkValue.of(a.get(0).eval(st).toText().length());
      };
      case "substr" -> st -> substr(a.get(0).eval(st).toText(), a.get(1).eval(st).toNumber(),
          a.size() > 2 ? a.get(2).eval(st).toNumber() : Double.POSITIVE_INFINITY);
      case "index" -> st -> AwkValue.of(a.get(0).eval(st).toText().indexOf(a.get(1).eval(st).toText()) + 1);
      case "split" -> st -> split(st, a);
      case "sub", "gsub" -> st -> substitute(st, a, name.equals("gsub"));
      case "match" -> st -> {
        Matcher m = st.regex(a.get(1), true).matcher(a.get(0).eval(st).toText());
        boolean found = m.find();
        st.set("RSTART", AwkValue.of(found ? m.start() + 1 : 0));
        st.set("RLENGTH", AwkValue.of(found ? m.end() - m.start() : -1));
        return AwkValue.of(found ? m.start() + 1 : 0);
      };
      case "sprintf" -> st -> AwkValue.string(AwkFormat.format(a.get(0).eval(st).toText(),
          a.subList(1, a.size()).stream().map(e -> e.eval(st)).toList()));
      case "tolower" -> st -> AwkValue.string(a.get(0).eval(st).toText().toLowerCase(Locale.ROOT));
      case "toupper" -> st -> AwkValue.string(a.get(0).eval(st).toText().toUpperCase(Locale.ROOT));
      case "int" -> st -> AwkValue.of((double) (long) a.get(0).eval(st).toNumber());
      case "sqrt" -> st -> AwkValue.of(Math.sqrt(a.get(0).eval(st).toNumber()));
      case "exp" -> st -> AwkValue.of(Math.exp(a.get(0).eval(st).toNumber()));
      case "log" -> st -> AwkValue.of(Math.log(a.get(0).eval(st).toNumber()));
      case "sin" -> st -> AwkValue.of(Math.sin(a.get(0).eval(st).toNumber()));
      case "cos" -> st -> AwkValue.of(Math.cos(a.get(0).eval(st).toNumber()));
      case "atan2" -> st -> AwkValue.of(Math.atan2(a.get(0).eval(st).toNumber(), a.get(1).eval(st).toNumber()));
      case "rand" -> st -> AwkValue.of(Math.random());
      case "close" -> st -> AwkValue.of(st.close(a.get(0).eval(st).toText()));
      case "system" -> st -> {
        AwkIo.Ran ran = st.io.run(a.get(0).eval(st).toText(), null);
        st.write(null, null, ran.out());
        return AwkValue.of(ran.code());
      };
      case "srand" -> st -> AwkValue.of(0);
      default -> throw new AwkException("function " + name + " never defined");
    };
  }

  /** awk's substr: characters from position {@code m} (rounded, 1-based), {@code n} of them. */
  private static AwkValue substr(String s, double m, double n) {
    double start = Math.rint(m);
    double end = n == Double.POSITIVE_INFINITY ? Double.POSITIVE_INFINITY : start + Math.rint(n);
    int from = (int) Math.max(start, 1);
    int to = (int) Math.min(end, s.length() + 1);
    return AwkValue.string(from >= to ? "" : s.substring(from - 1, to - 1));
  }

  private static AwkValue split(AwkState st, List<AwkProgram.Expr> a) {
    if (!(a.get(1) instanceof AwkProgram.Variable v)) {
      throw new AwkException("split: second argument is not an array");
    }
    String text = a.get(0).eval(st).toText();
    List<String> parts;
    if (a.size() > 2 && a.get(2) instanceof AwkProgram.RegexLiteral r) {
      parts = text.isEmpty() ? List.of() : List.of(r.pattern().split(text, -1));
    } else {
      parts = st.splitText(text, a.size() > 2 ? a.get(2).eval(st).toText() : st.get("FS").toText());
    }
    Map<String, AwkValue> array = v.array(st);
    array.clear();
    for (int i = 0; i < parts.size(); i++) {
      array.put(Integer.toString(i + 1), AwkValue.input(parts.get(i)));
    }
    return AwkValue.of(parts.size());
  }

  /** sub/gsub(re, replacement [, target]): {@code &} is the match, {@code \\&} a literal ampersand. */
  private static AwkValue substitute(AwkState st, List<AwkProgram.Expr> a, boolean global) {
    Pattern p = st.regex(a.get(0), true);
    String replacement = a.get(1).eval(st).toText();
    AwkProgram.Expr target = a.size() > 2 ? a.get(2) : AwkProgram.field(s -> AwkValue.of(0));
    if (!(target instanceof AwkProgram.LValue lv)) {
      throw new AwkException((global ? "gsub" : "sub") + ": third argument is not a variable");
    }
    String text = lv.eval(st).toText();
    Matcher m = p.matcher(text);
    StringBuilder b = new StringBuilder();
    int from = 0;
    int count = 0;
    int lastEnd = -1; // no empty match right where a match ended (gsub(/b*/, "-", "abc") is "-a-c-")
    while (from <= text.length() && m.find(from)) {
      if (m.start() == m.end() && m.start() == lastEnd) {
        if (m.start() < text.length()) {
          b.append(text.charAt(m.start()));
        }
        from = m.start() + 1;
        continue;
      }
      b.append(text, from, m.start());
      for (int i = 0; i < replacement.length(); i++) {
        char c = replacement.charAt(i);
        if (c == '\\' && i + 1 < replacement.length() && (replacement.charAt(i + 1) == '&'
            || replacement.charAt(i + 1) == '\\')) {
          b.append(replacement.charAt(++i));
        } else {
          b.append(c == '&' ? m.group() : String.valueOf(c));
        }
      }
      count++;
      if (m.end() == m.start()) { // an empty match: the next character stays, the search goes on after it
        if (m.start() < text.length()) {
          b.append(text.charAt(m.start()));
        }
        from = m.start() + 1;
      } else {
        from = m.end();
        lastEnd = m.end();
      }
      if (!global) {
        break;
      }
    }
    if (count > 0) {
      b.append(text.substring(Math.min(from, text.length())));
      lv.set(st, AwkValue.string(b.toString()));
    }
    return AwkValue.of(count);
  }
}
