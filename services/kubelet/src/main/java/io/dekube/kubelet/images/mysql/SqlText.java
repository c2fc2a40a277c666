package io.dekube.kubelet.images.mysql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MySQL's SQL text made into H2's: string literals in single or double quotes with MySQL's backslash escapes become
 * H2's single-quoted strings, {@code @@[session.|global.]name} and the server's own functions ({@code VERSION()},
 * {@code DATABASE()}, {@code USER()}…) become literals; and the names MySQL gives a select list's unnamed columns
 * (the expression's text: {@code VERSION()}, {@code 1+1}). Backquoted names stay: H2's MySQL mode reads them. Pure.
 */
final class SqlText {

  private static final Pattern VARIABLE = Pattern.compile("@@(?:(?:session|global|local)\\.)?([A-Za-z_][A-Za-z0-9_]*)",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern FUNCTION = Pattern.compile("\\b(VERSION|DATABASE|SCHEMA|USER|CURRENT_USER|SESSION_USER"
      + "|SYSTEM_USER|CONNECTION_ID)\\s*\\(\\s*\\)", Pattern.CASE_INSENSITIVE);
  /** MySQL's current time without a precision: whole seconds ({@code 2026-12-07 05:07:58}), H2's has fractions. */
  private static final Pattern NOW = Pattern.compile("\\b(NOW|SYSDATE|CURRENT_TIMESTAMP|LOCALTIMESTAMP|LOCALTIME)"
      + "\\s*\\(\\s*\\)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SELECT_END = Pattern.compile("\\b(FROM|WHERE|LIMIT|ORDER|GROUP|HAVING|INTO|UNION|FOR)\\b",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern ALIAS = Pattern.compile("(?is).*\\s+AS\\s+\\S+|.*[\\w)'`\"]\\s+(?:[A-Za-z_]\\w*|`[^`]+`)");

  private SqlText() {
  }

  /** {@code sql} without the comments and blanks before it (Connector/J's {@code /* mysql-connector-j... *}{@code /}). */
  static String stripped(String sql) {
    String s = sql.strip();
    while (true) {
      if (s.startsWith("/*") && s.indexOf("*/") > 0) {
        s = s.substring(s.indexOf("*/") + 2).strip();
      } else if (s.startsWith("--") || s.startsWith("#")) {
        int nl = s.indexOf('\n');
        s = nl < 0 ? "" : s.substring(nl + 1).strip();
      } else {
        break;
      }
    }
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    return s;
  }

  /**
   * {@code sql} for H2: literals in H2's quoting, variables and the server's functions replaced by {@code values}
   * ({@code @@name} looked up as {@code name}, a function as {@code NAME()}; a null answer keeps the text).
   */
  static String translate(String sql, Function<String, Object> values) {
    StringBuilder out = new StringBuilder();
    StringBuilder plain = new StringBuilder();
    int i = 0;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\'' || c == '"') {
        out.append(substitute(plain.toString(), values));
        plain.setLength(0);
        int[] end = new int[1];
        out.append(literal(unquote(sql, i, end)));
        i = end[0];
      } else if (c == '`') {
        int close = sql.indexOf('`', i + 1);
        close = close < 0 ? sql.length() - 1 : close;
        out.append(substitute(plain.toString(), values));
        plain.setLength(0);
        out.append(sql, i, close + 1);
        i = close + 1;
      } else {
        plain.append(c);
        i++;
      }
    }
    return out.append(substitute(plain.toString(), values)).toString();
  }

  /** The value of the string literal opening at {@code start}; {@code end[0]} is set past its closing quote. */
  static String unquote(String sql, int start, int[] end) {
    char q = sql.charAt(start);
    StringBuilder v = new StringBuilder();
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (c == '\\' && i + 1 < sql.length()) {
        char n = sql.charAt(i + 1);
        v.append(switch (n) {
          case 'n' -> '\n';
          case 't' -> '\t';
          case 'r' -> '\r';
          case '0' -> '\0';
          case 'b' -> '\b';
          case 'Z' -> (char) 26;
          default -> n;
        });
        i += 2;
      } else if (c == q && i + 1 < sql.length() && sql.charAt(i + 1) == q) {
        v.append(q);
        i += 2;
      } else if (c == q) {
        i++;
        break;
      } else {
        v.append(c);
        i++;
      }
    }
    end[0] = i;
    return v.toString();
  }

  /** {@code value} as an SQL literal: a number as is, text single-quoted, null as NULL. */
  static String literal(Object value) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Number) {
      return value.toString();
    }
    return "'" + value.toString().replace("'", "''") + "'";
  }

  private static String substitute(String text, Function<String, Object> values) {
    if (text.indexOf('@') < 0 && text.indexOf('(') < 0) {
      return text;
    }
    String s = replace(VARIABLE, text, m -> values.apply(m.group(1).toLowerCase(Locale.ROOT)));
    s = replace(FUNCTION, s, m -> values.apply(m.group(1).toUpperCase(Locale.ROOT) + "()"));
    return NOW.matcher(s).replaceAll("LOCALTIMESTAMP(0)");
  }

  private static String replace(Pattern p, String text, Function<Matcher, Object> value) {
    Matcher m = p.matcher(text);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      Object v = value.apply(m);
      m.appendReplacement(b, Matcher.quoteReplacement(v == null && !m.group().startsWith("@@") ? m.group()
          : literal(v)));
    }
    return m.appendTail(b).toString();
  }

  /**
   * The names MySQL gives the columns of {@code sql}'s select list: an unnamed expression's text, null where H2's
   * name is the same (a column, an alias); null altogether when it is no SELECT or selects {@code *}.
   */
  static List<String> selectLabels(String sql) {
    String s = stripped(sql);
    if (!s.regionMatches(true, 0, "SELECT", 0, 6) || s.length() < 7 || !Character.isWhitespace(s.charAt(6))) {
      return null;
    }
    List<String> items = new ArrayList<>();
    int depth = 0;
    int from = 7;
    int i = 7;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\'' || c == '"') {
        int[] end = new int[1];
        unquote(s, i, end);
        i = end[0];
        continue;
      }
      if (c == '`') {
        int close = s.indexOf('`', i + 1);
        i = close < 0 ? s.length() : close + 1;
        continue;
      }
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (depth == 0 && c == ',') {
        items.add(s.substring(from, i));
        from = i + 1;
      } else if (depth == 0 && Character.isLetter(c) && !Character.isLetterOrDigit(s.charAt(i - 1))
          && s.charAt(i - 1) != '_' && s.charAt(i - 1) != '.' && SELECT_END.matcher(s).region(i, s.length()).lookingAt()) {
        break;
      }
      i++;
    }
    items.add(s.substring(from, i));
    List<String> labels = new ArrayList<>();
    for (String item : items) {
      String t = item.strip();
      if (t.equals("*") || t.endsWith(".*")) {
        return null;
      }
      boolean named = t.matches("[\\w.`]+") && !t.matches("\\d+(\\.\\d+)?") || ALIAS.matcher(t).matches();
      int[] end = new int[1];
      boolean literal = !t.isEmpty() && (t.charAt(0) == '\'' || t.charAt(0) == '"')
          && unquote(t, 0, end) != null && end[0] == t.length();
      labels.add(named ? null : literal ? unquote(t, 0, end) : t); // a string is named by its value
    }
    return labels;
  }
}
