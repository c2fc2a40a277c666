package io.dekube.kubelet.images;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nginx's configuration parser: the text of {@code nginx.conf} read into directives and blocks as nginx reads it —
 * words split at white space, {@code ;} and {@code {}, {@code "…"} and {@code '…'} quotes with their backslash
 * escapes,
 * {@code #} comments where a word starts, {@code include FILE|PATTERN;} replaced in place by the directives of the
 * files it names (a pattern's files in the order of their names; a pattern matching nothing is no error). A text
 * nginx refuses throws {@link NginxConfException} with nginx's words: {@code unexpected "}"}, {@code unexpected end
 * of file, expecting ";" or "}"}, {@code open() "…" failed (2: No such file or directory)}, each
 * {@code in FILE:LINE}.
 * Pure: the files come from {@link Sources}.
 */
final class NginxConfParser {

  /** The files the parser may read: their text, and the names in a folder (for include patterns). */
  interface Sources {
    /** The text of the file at {@code path}, or null when there is none. */
    String read(String path);

    /** The names in folder {@code path}, sorted; empty when there is no folder. */
    List<String> list(String path);
  }

  /** How deep includes may nest before the parser gives up (an include of itself). */
  private static final int MAX_DEPTH = 32;

  private final Sources sources;
  private final Map<String, String> read = new LinkedHashMap<>();

  private NginxConfParser(Sources sources) {
    this.sources = sources;
  }

  /** The parsed configuration: its top-level directives, and each file read with its text, in order. */
  record Parsed(List<NginxDirective> directives, Map<String, String> files) {
  }

  /** Parses the file at {@code path} and what it includes. */
  static Parsed parse(String path, Sources sources) {
    NginxConfParser p = new NginxConfParser(sources);
    String text = sources.read(path);
    if (text == null) {
      throw new NginxConfException("open() \"" + path + "\" failed (2: No such file or directory)");
    }
    List<NginxDirective> top = p.file(path, text, 0);
    return new Parsed(top, java.util.Collections.unmodifiableMap(p.read));
  }

  private List<NginxDirective> file(String path, String text, int depth) {
    read.putIfAbsent(path, text);
    Reader r = new Reader(path, text);
    return block(r, false, depth);
  }

  /** The directives up to the end of the file, or up to the {@code }} of a block when {@code inBlock}. */
  private List<NginxDirective> block(Reader r, boolean inBlock, int depth) {
    List<NginxDirective> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    while (true) {
      int ch = r.skipSpace();
      if (ch < 0) {
        if (!words.isEmpty()) {
          throw r.error("unexpected end of file, expecting \";\" or \"}\"");
        }
        if (inBlock) {
          throw r.error("unexpected end of file, expecting \"}\"");
        }
        return out;
      }
      switch (ch) {
        case ';' -> {
          r.next();
          if (words.isEmpty()) {
            throw r.error("unexpected \";\"");
          }
          NginxDirective d = new NginxDirective(words.get(0), List.copyOf(words.subList(1, words.size())), null,
              r.path, r.line);
          words.clear();
          if (d.name().equals("include")) {
            out.addAll(include(d, depth));
          } else {
            out.add(d);
          }
        }
        case '{' -> {
          r.next();
          if (words.isEmpty()) {
            throw r.error("unexpected \"{\"");
          }
          String name = words.get(0);
          List<String> args = List.copyOf(words.subList(1, words.size()));
          String file = r.path;
          int line = r.line;
          words.clear();
          out.add(new NginxDirective(name, args, block(r, true, depth), file, line));
        }
        case '}' -> {
          r.next();
          if (!words.isEmpty() || !inBlock) {
            throw r.error("unexpected \"}\"");
          }
          return out;
        }
        case '#' -> r.skipLine();
        default -> words.add(r.word());
      }
    }
  }

  /** The directives of the files an {@code include} names, parsed where the include stands. */
  private List<NginxDirective> include(NginxDirective d, int depth) {
    if (d.args().size() != 1) {
      throw new NginxConfException("invalid number of arguments in \"include\" directive in " + d.at());
    }
    if (depth >= MAX_DEPTH) {
      throw new NginxConfException("too many nested includes of \"" + d.arg() + "\" in " + d.at());
    }
    NginxConfig.Include inc = new NginxConfig.Include(d.arg().startsWith("/") ? d.arg() : NginxConfig.PREFIX + d.arg(),
        d.line());
    List<NginxDirective> out = new ArrayList<>();
    if (!inc.pattern()) {
      String text = sources.read(inc.path());
      if (text == null) {
        throw new NginxConfException("open() \"" + inc.path() + "\" failed (2: No such file or directory) in "
            + d.at());
      }
      out.addAll(file(inc.path(), text, depth + 1));
      return out;
    }
    int slash = inc.path().lastIndexOf('/');
    String folder = inc.path().substring(0, Math.max(1, slash));
    for (String name : sources.list(folder)) {
      String path = (folder.equals("/") ? "" : folder) + "/" + name;
      String text = NginxConfig.matches(inc.path().substring(slash + 1), name) ? sources.read(path) : null;
      if (text != null) {
        out.addAll(file(path, text, depth + 1));
      }
    }
    return out;
  }

  /** The characters of one file, with the line they are on. */
  private static final class Reader {
    final String path;
    final String text;
    int pos;
    int line = 1;

    Reader(String path, String text) {
      this.path = path;
      this.text = text;
    }

    NginxConfException error(String what) {
      return new NginxConfException(what + " in " + path + ":" + line);
    }

    int peek() {
      return pos < text.length() ? text.charAt(pos) : -1;
    }

    char next() {
      char ch = text.charAt(pos++);
      if (ch == '\n') {
        line++;
      }
      return ch;
    }

    /** Skips white space; the next character, or -1 at the end. */
    int skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        next();
      }
      return peek();
    }

    void skipLine() {
      while (pos < text.length() && text.charAt(pos) != '\n') {
        pos++;
      }
    }

    /** One word: quoted, or up to white space, {@code ;} or {@code {} (not the brace of {@code ${name}}). */
    String word() {
      StringBuilder b = new StringBuilder();
      char first = (char) peek();
      if (first == '"' || first == '\'') {
        next();
        while (true) {
          if (pos >= text.length()) {
            throw error("unexpected end of file, expecting \";\" or \"}\"");
          }
          char ch = next();
          if (ch == first) {
            break;
          }
          b.append(ch == '\\' && pos < text.length() ? escaped(next()) : String.valueOf(ch));
        }
        int after = peek();
        if (after >= 0 && !Character.isWhitespace(after) && after != ';' && after != '{') {
          throw error("unexpected \"" + (char) after + "\"");
        }
        return b.toString();
      }
      while (pos < text.length()) {
        char ch = text.charAt(pos);
        boolean variableBrace = ch == '{' && b.length() > 0 && b.charAt(b.length() - 1) == '$';
        if (Character.isWhitespace(ch) || ch == ';' || (ch == '{' && !variableBrace)) {
          break;
        }
        next();
        b.append(ch == '\\' && pos < text.length() ? escaped(next()) : String.valueOf(ch));
      }
      return b.toString();
    }

    private static String escaped(char ch) {
      return switch (ch) {
        case '"', '\'', '\\' -> String.valueOf(ch);
        case 't' -> "\t";
        case 'r' -> "\r";
        case 'n' -> "\n";
        default -> "\\" + ch;
      };
    }
  }
}
