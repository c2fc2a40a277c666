package io.dekube.kubelet.images;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code include}s of a configuration file, found by their lines before it is parsed (so that
 * {@link NginxConfReader} reads the files {@link NginxConfParser} will want), and how a pattern matches a name. Pure.
 */
final class NginxConfig {

  /** nginx's configuration prefix: a relative include is under it. */
  static final String PREFIX = "/etc/nginx/";

  private static final Pattern INCLUDE = Pattern.compile("(?:^|[\\s;{}])include\\s+(\"[^\"]*\"|'[^']*'|[^\\s;]+)\\s*;");

  /** A configuration file read: its path and text. */
  record File(String path, String text) {
  }

  /** One {@code include PATH;} directive: its path (absolute) and the line it is on. */
  record Include(String path, int line) {
    /** Whether the path names files by a pattern ({@code conf.d/*.conf}) rather than one file. */
    boolean pattern() {
      return path.contains("*") || path.contains("?") || path.contains("[");
    }
  }

  private NginxConfig() {
  }

  /** The includes of {@code text}, in order; comments are skipped. */
  static List<Include> includes(String text) {
    List<Include> found = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      Matcher m = INCLUDE.matcher(hash < 0 ? line : line.substring(0, hash));
      while (m.find()) {
        String path = m.group(1).replaceAll("^[\"']|[\"']$", "");
        found.add(new Include(path.startsWith("/") ? path : PREFIX + path, i + 1));
      }
    }
    return found;
  }

  /** Whether the file name {@code name} matches the last segment of a pattern ({@code *}, {@code ?}, {@code [...]}). */
  static boolean matches(String glob, String name) {
    StringBuilder re = new StringBuilder();
    for (char ch : glob.toCharArray()) {
      switch (ch) {
        case '*' -> re.append("[^/]*");
        case '?' -> re.append("[^/]");
        case '[', ']' -> re.append(ch);
        default -> re.append(Pattern.quote(String.valueOf(ch)));
      }
    }
    return !name.startsWith(".") && name.matches(re.toString());
  }
}
