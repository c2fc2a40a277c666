package io.dekube.kubelet.images;

import java.util.function.Function;

/** nginx's {@code $name} and {@code ${name}} in a directive's text, replaced by their values (unknown: empty). Pure. */
final class NginxVariables {

  private NginxVariables() {
  }

  static String expand(String text, Function<String, String> value) {
    if (text == null || text.indexOf('$') < 0) {
      return text;
    }
    StringBuilder b = new StringBuilder();
    int i = 0;
    while (i < text.length()) {
      char ch = text.charAt(i);
      if (ch != '$' || i + 1 >= text.length()) {
        b.append(ch);
        i++;
        continue;
      }
      int start = i + 1;
      boolean braced = text.charAt(start) == '{';
      int from = braced ? start + 1 : start;
      int end = from;
      while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
        end++;
      }
      if (end == from) {
        b.append(ch);
        i++;
        continue;
      }
      String v = value.apply(text.substring(from, end));
      b.append(v == null ? "" : v);
      i = braced && end < text.length() && text.charAt(end) == '}' ? end + 1 : end;
    }
    return b.toString();
  }
}
