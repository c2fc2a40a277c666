package io.dekube.kubelet.runtime.awk;

import io.dekube.kubelet.runtime.Printf;
import java.util.List;

/**
 * awk's {@code printf}/{@code sprintf}: C's formats ({@link Printf}) over awk's values — {@code %c} of a number is
 * that character, {@code %s} of a number its output form.
 */
final class AwkFormat {

  private AwkFormat() {
  }

  static String format(String fmt, List<AwkValue> values) {
    return Printf.format(fmt, new Printf.Args() {
      private int next;

      private AwkValue value() {
        return next < values.size() ? values.get(next++) : AwkValue.EMPTY;
      }

      @Override
      public long integer() {
        return (long) value().toNumber();
      }

      @Override
      public double number() {
        return value().toNumber();
      }

      @Override
      public String string() {
        AwkValue v = value();
        return v.kind() == AwkValue.Kind.NUMBER ? AwkValue.format(v.number()) : v.toText();
      }

      @Override
      public String character() {
        AwkValue v = value();
        if (v.kind() == AwkValue.Kind.NUMBER) {
          int c = (int) v.number();
          return new String(Character.toChars(Character.isValidCodePoint(c) && !(c >= 0xd800 && c < 0xe000) ? c
              : c & 0xff));
        }
        String s = v.toText();
        return s.isEmpty() ? "" : s.substring(0, Character.charCount(s.codePointAt(0)));
      }
    });
  }
}
