package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The last steps of word expansion: field splitting of the unquoted results of expansions on {@code IFS}, then
 * pathname expansion of fields with unquoted {@code * ? [} (sorted; a pattern matching nothing stays as it is;
 * {@code *} does not match a leading dot). Confined to the shell's context.
 */
final class Fields {

  private record Field(String text, BitSet active) {
  }

  private final Host host;
  private final String cwd;
  private final String ifs;
  private final List<Field> fields = new ArrayList<>();
  private final StringBuilder cur = new StringBuilder();
  private BitSet active = new BitSet();
  private boolean open;

  Fields(Host host, String cwd, String ifs) {
    this.host = host;
    this.cwd = cwd;
    this.ifs = ifs;
  }

  /** The fields of one word's pieces. */
  Future<List<String>> of(List<Expander.Piece> pieces) {
    split(pieces);
    Future<List<String>> all = Future.succeededFuture(new ArrayList<>());
    for (Field f : fields) {
      all = all.compose(acc -> (Glob.hasPattern(f.text(), f.active()) ? glob(f) : Future.succeededFuture(
          List.of(f.text()))).map(names -> {
            acc.addAll(names);
            return acc;
          }));
    }
    return all;
  }

  private void split(List<Expander.Piece> pieces) {
    for (Expander.Piece p : pieces) {
      switch (p.kind()) {
        case LITERAL -> append(p.text(), true);
        case QUOTED -> append(p.text(), false);
        case BREAK -> finish();
        default -> {
          for (char c : p.text().toCharArray()) {
            if (ifs.indexOf(c) < 0) {
              append(String.valueOf(c), true);
            } else if (Character.isWhitespace(c)) {
              if (open) {
                finish();
              }
            } else {
              finish();
            }
          }
        }
      }
    }
    if (open) {
      finish();
    }
  }

  private void append(String text, boolean globbing) {
    if (globbing) {
      active.set(cur.length(), cur.length() + text.length());
    }
    cur.append(text);
    open = true;
  }

  private void finish() {
    fields.add(new Field(cur.toString(), active));
    cur.setLength(0);
    active = new BitSet();
    open = false;
  }

  /** The paths matching field {@code f}, or the field itself when none does. */
  private Future<List<String>> glob(Field f) {
    String text = f.text();
    boolean absolute = text.startsWith("/");
    List<int[]> segments = new ArrayList<>();
    int start = absolute ? 1 : 0;
    for (int i = start; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '/') {
        segments.add(new int[] {start, i});
        start = i + 1;
      }
    }
    return walk(f, segments, 0, absolute ? "/" : "").map(found -> {
      if (found.isEmpty()) {
        return List.of(text);
      }
      List<String> sorted = new ArrayList<>(found);
      sorted.sort(null);
      return sorted;
    });
  }

  /** The paths under {@code prefix} matching the segments from {@code k} on. */
  private Future<List<String>> walk(Field f, List<int[]> segments, int k, String prefix) {
    if (k == segments.size()) {
      return Future.succeededFuture(List.of(prefix.length() > 1 && prefix.endsWith("/")
          ? prefix.substring(0, prefix.length() - 1) : prefix));
    }
    int[] seg = segments.get(k);
    String part = f.text().substring(seg[0], seg[1]);
    BitSet act = f.active().get(seg[0], seg[1]);
    boolean last = k == segments.size() - 1;
    if (!Glob.hasPattern(part, act)) {
      String next = prefix + part + (last ? "" : "/");
      return last ? host.names(cwd, dirOf(prefix))
          .map(names -> names.contains(part) ? List.of(next) : List.<String>of())
          : walk(f, segments, k + 1, next);
    }
    Pattern p = Glob.regex(part, act);
    boolean dots = part.startsWith(".");
    return host.names(cwd, dirOf(prefix)).compose(names -> {
      Future<List<String>> all = Future.succeededFuture(new ArrayList<>());
      for (String n : names) {
        if ((dots || !n.startsWith(".")) && p.matcher(n).matches()) {
          String next = prefix + n + (last ? "" : "/");
          all = all.compose(acc -> walk(f, segments, k + 1, next).map(found -> {
            acc.addAll(found);
            return acc;
          }));
        }
      }
      return all;
    });
  }

  private static String dirOf(String prefix) {
    return prefix.isEmpty() ? "." : prefix;
  }
}
