package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The busybox applets that describe a {@code jvm} container's files ({@link ContainerFs}): {@code ls [-1laAdRLHn]},
 * {@code stat [-L] [-c FORMAT]}, {@code du [-s] [-a] [-h] [-k]}, {@code df [-h] [-k] [-P]} (the layer's disk as
 * {@code overlay} on {@code /}, each volume mount's disk at its path) and {@code find [PATH...] [-name|-iname
 * GLOB] [-type f|d|l] [-maxdepth N] [-mindepth N]}. Folders count 4 KiB, files their size rounded up to 4 KiB
 * blocks. Owners, groups and modes are the entries' ({@link ContainerFs.Entry}), named by the image's
 * {@code /etc/passwd} and {@code /etc/group}, numbers where they have no name. Blocking:
 * call from a worker thread.
 */
final class FileListings {

  /** The applets offered here. */
  static final List<String> NAMES = List.of("ls", "stat", "du", "df", "find");

  private static final DateTimeFormatter LS_DATE = DateTimeFormatter.ofPattern("MMM ppd HH:mm", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter STAT_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS '+0000'",
      Locale.ROOT).withZone(ZoneOffset.UTC);

  private final ContainerFs fs;
  private final String cwd;
  private final ExecSession.Output out;
  /** The width of the terminal stdout is, 0 when it is none. */
  private final int terminalWidth;
  /** Whether {@code ls} is GNU coreutils' (Debian's and Ubuntu's images), not busybox's. */
  private final boolean gnu;

  FileListings(ContainerFs fs, String cwd, ExecSession.Output out) {
    this(fs, cwd, out, 0, false);
  }

  FileListings(ContainerFs fs, String cwd, ExecSession.Output out, int terminalWidth, boolean gnu) {
    this.fs = fs;
    this.cwd = cwd;
    this.out = out;
    this.terminalWidth = terminalWidth;
    this.gnu = gnu;
  }

  int run(String name, List<String> args) {
    return switch (name) {
      case "ls" -> ls(args);
      case "stat" -> stat(args);
      case "du" -> du(args);
      case "df" -> df(args);
      default -> find(args);
    };
  }

  /**
   * {@code ls [-1laAdRLHnCx] [PATH...]}: a symbolic link named on the command line is followed unless {@code -l} or
   * {@code -d} (or with {@code -L}, {@code -H}), those found in folders only with {@code -L}; {@code -l} shows
   * where a link points ({@code labels -> ..data/labels}). Names go many per line ({@link LsColumns}) on a
   * terminal and with {@code -C} or {@code -x} (80 columns wide without a terminal), else one per line.
   */
  private int ls(List<String> args) {
    String flags = FileCommands.flags(args);
    List<String> paths = FileCommands.operands(args);
    if (paths.isEmpty()) {
      paths = List.of(".");
    }
    boolean followArgs = flags.contains("L") || flags.contains("H") || !flags.contains("l") && !flags.contains("d");
    int code = 0;
    StringBuilder b = new StringBuilder();
    List<String> dirs = new ArrayList<>();
    List<String> files = new ArrayList<>();
    for (String p : paths) {
      try {
        String abs = ContainerFs.normalize(cwd, p);
        ContainerFs.Entry e = followArgs || p.endsWith("/") ? fs.stat(abs) : fs.lstat(abs);
        if (e == null) {
          throw new ContainerFs.FsError(ContainerFs.NO_ENTRY);
        }
        if (e.dir() && !flags.contains("d")) {
          dirs.add(p);
        } else if (manyPerLine(flags)) {
          files.add(p);
        } else {
          b.append(line(flags, p, e));
        }
      } catch (IOException e) {
        code = fail("ls: " + p + ": " + FileCommands.reason(e));
      }
    }
    b.append(columns(flags, files));
    boolean headers = paths.size() > 1 || flags.contains("R");
    for (String d : dirs) {
      code |= listing(b, flags, d, headers);
    }
    out.stdout(Buffer.buffer(b.toString()));
    return code;
  }

  /** One folder's rows into {@code b} (with {@code -R}, then its folders'); 1 when one could not be read. */
  private int listing(StringBuilder b, String flags, String d, boolean header) {
    String abs = ContainerFs.normalize(cwd, d);
    List<String> names;
    try {
      names = new ArrayList<>(fs.list(abs));
    } catch (IOException e) {
      return fail("ls: can't open '" + d + "': " + FileCommands.reason(e));
    }
    if (!flags.contains("a") && !flags.contains("A")) {
      names.removeIf(n -> n.startsWith("."));
    }
    if (header) {
      b.append(b.length() > 0 ? "\n" : "").append(d).append(":\n");
    }
    StringBuilder rows = new StringBuilder();
    List<String> shown = new ArrayList<>();
    List<String> below = new ArrayList<>();
    long total = 0;
    int code = 0;
    try {
      if (flags.contains("a")) {
        ContainerFs.Entry self = fs.stat(abs);
        ContainerFs.Entry up = fs.stat(ContainerFs.parent(abs));
        rows.append(line(flags, ".", self)).append(line(flags, "..", up));
        shown.addAll(List.of(".", ".."));
        total += kib(self) + kib(up);
      }
      for (String n : names) {
        String child = ContainerFs.normalize(abs, n);
        ContainerFs.Entry e = flags.contains("L") ? fs.stat(child) : fs.lstat(child);
        if (e != null) {
          rows.append(line(flags, n, e));
          shown.add(n);
          total += kib(e);
          if (e.dir() && flags.contains("R")) {
            below.add(d.endsWith("/") ? d + n : d + "/" + n);
          }
        }
      }
    } catch (IOException e) {
      code = fail("ls: " + d + ": " + FileCommands.reason(e));
    }
    b.append(flags.contains("l") ? "total " + total + "\n" : "").append(manyPerLine(flags) ? columns(flags, shown) : rows);
    for (String sub : below) {
      code |= listing(b, flags, sub, true);
    }
    return code;
  }

  /** Whether names go many per line: not {@code -l} nor {@code -1}, and on a terminal or with {@code -C}/{@code -x}. */
  private boolean manyPerLine(String flags) {
    return !flags.contains("l") && !flags.contains("1")
        && (terminalWidth > 0 || flags.contains("C") || flags.contains("x"));
  }

  /** {@code names} many per line, as this image's ls lays them out. */
  private String columns(String flags, List<String> names) {
    int width = terminalWidth > 0 ? terminalWidth : 80;
    boolean across = flags.contains("x");
    return gnu ? LsColumns.gnu(names, width, across) : LsColumns.busybox(names, width, across);
  }

  private String line(String flags, String name, ContainerFs.Entry e) {
    if (!flags.contains("l")) {
      return name + "\n";
    }
    boolean numeric = flags.contains("n");
    return String.format(Locale.ROOT, "%s %4d %-8s %-8s %9d %s %s%s%n", mode(e), e.links(),
        numeric ? Long.toString(e.uid()) : fs.user().user(e.uid()), numeric ? Long.toString(e.gid()) : fs.user().group(e.gid()),
        size(e), LS_DATE.format(e.modified()), name, e.link() == null ? "" : " -> " + e.link());
  }

  /** {@code drwxrwsrwx}: the type, then read, write and execute for owner, group and others, with setuid, setgid, sticky. */
  static String mode(ContainerFs.Entry e) {
    int m = e.mode();
    StringBuilder b = new StringBuilder(e.link() != null ? "l" : e.dir() ? "d"
        : (m & 0170000) == DevFiles.CHARACTER_DEVICE ? "c" : "-");
    for (int shift = 6; shift >= 0; shift -= 3) {
      int bits = (m >> shift) & 7;
      int special = m & (shift == 6 ? 04000 : shift == 3 ? 02000 : 01000);
      char exec = shift == 0 ? 't' : 's';
      b.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-')
          .append(special != 0 ? ((bits & 1) != 0 ? exec : Character.toUpperCase(exec)) : (bits & 1) != 0 ? 'x' : '-');
    }
    return b.toString();
  }

  private int stat(List<String> args) {
    String format = null;
    boolean follow = false;
    List<String> files = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-L") || a.equals("--dereference")) {
        follow = true;
      } else if ((a.equals("-c") || a.equals("--format")) && i + 1 < args.size()) {
        format = args.get(++i);
      } else if (a.startsWith("-c") && a.length() > 2) {
        format = a.substring(2);
      } else if (!a.startsWith("-")) {
        files.add(a);
      }
    }
    if (files.isEmpty()) {
      return fail("stat: missing operand");
    }
    int code = 0;
    for (String f : files) {
      try {
        String abs = ContainerFs.normalize(cwd, f);
        ContainerFs.Entry e = follow || f.endsWith("/") ? fs.stat(abs) : fs.lstat(abs);
        if (e == null) {
          throw new ContainerFs.FsError(ContainerFs.NO_ENTRY);
        }
        out.stdout(Buffer.buffer(format != null ? formatted(format, f, e) + "\n" : described(f, e)));
      } catch (IOException e) {
        code = fail("stat: can't stat '" + f + "': " + FileCommands.reason(e));
      }
    }
    return code;
  }

  /**
   * A file's size; a folder's is its one 4 KiB block, as ext4 and overlay report it (a folder's size 0), or on a
   * tmpfs what it holds ({@link ContainerFs.Mount#tmpfs}).
   */
  private static long size(ContainerFs.Entry e) {
    return e.dir() && e.size() == 0 ? 4096 : e.size();
  }

  private static String type(ContainerFs.Entry e) {
    return e.link() != null ? "symbolic link" : e.dir() ? "directory" : e.size() == 0 ? "regular empty file" : "regular file";
  }

  private String described(String f, ContainerFs.Entry e) {
    String time = STAT_DATE.format(e.modified());
    return String.format(Locale.ROOT, "  File: %s%n  Size: %-10d\tBlocks: %-10d IO Block: 4096   %s%n"
        + "Access: (%04o/%s)  Uid: (%5d/%8s)   Gid: (%5d/%8s)%nAccess: %s%nModify: %s%nChange: %s%n",
        e.link() == null ? f : f + " -> " + e.link(), size(e), kib(e) * 2, type(e), e.mode(), mode(e), e.uid(), fs.user().user(e.uid()), e.gid(),
        fs.user().group(e.gid()), time, time, time);
  }

  /** {@code stat -c}: %n %N %s %F %a %A %U %G %u %g %h %Y %y %b %%. */
  private String formatted(String format, String f, ContainerFs.Entry e) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char ch = format.charAt(i);
      if (ch != '%' || i + 1 >= format.length()) {
        b.append(ch);
        continue;
      }
      char k = format.charAt(++i);
      b.append(switch (k) {
        case 'n' -> f;
        case 'N' -> "'" + f + "'" + (e.link() == null ? "" : " -> '" + e.link() + "'");
        case 'h' -> Integer.toString(e.links());
        case 's' -> Long.toString(size(e));
        case 'F' -> type(e);
        case 'a' -> Integer.toOctalString(e.mode());
        case 'A' -> mode(e);
        case 'U' -> fs.user().user(e.uid());
        case 'G' -> fs.user().group(e.gid());
        case 'u' -> Long.toString(e.uid());
        case 'g' -> Long.toString(e.gid());
        case 'Y' -> Long.toString(e.modified().getEpochSecond());
        case 'y' -> STAT_DATE.format(e.modified());
        case 'b' -> Long.toString(kib(e) * 2);
        case '%' -> "%";
        default -> "?";
      });
    }
    return b.toString();
  }

  private int du(List<String> args) {
    String flags = FileCommands.flags(args);
    List<String> paths = FileCommands.operands(args);
    int code = 0;
    for (String p : paths.isEmpty() ? List.of(".") : paths) {
      try {
        String abs = ContainerFs.normalize(cwd, p);
        need(p);
        List<String> all = fs.walk(abs);
        List<String> rows = new ArrayList<>();
        java.util.Map<String, Long> sizes = new java.util.HashMap<>();
        for (int i = all.size() - 1; i >= 0; i--) { // children before their folder
          String f = all.get(i);
          ContainerFs.Entry e = fs.lstat(f);
          long size = sizes.getOrDefault(f, 0L) + (e == null ? 0 : kib(e));
          sizes.put(f, size);
          if (!f.equals(abs)) {
            sizes.merge(ContainerFs.parent(f), size, Long::sum);
          }
          boolean show = f.equals(abs) || (!flags.contains("s") && (e != null && e.dir() || flags.contains("a")));
          if (show) {
            rows.add(0, human(flags, size) + "\t" + shown(p, abs, f));
          }
        }
        rows.forEach(r -> out.stdout(Buffer.buffer(r + "\n")));
      } catch (IOException e) {
        code = fail("du: " + p + ": " + FileCommands.reason(e));
      }
    }
    return code;
  }

  private int df(List<String> args) {
    boolean h = FileCommands.flags(args).contains("h");
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-20s %9s %9s %9s %s Mounted on%n", "Filesystem",
        h ? "Size" : "1K-blocks", "Used", "Available", "Use%"));
    List<ContainerFs.Mount> all = new ArrayList<>(fs.mounts());
    java.util.Collections.reverse(all);
    b.append(row(h, "overlay", fs.layer(), "/"));
    for (ContainerFs.Mount m : all) {
      b.append(row(h, m.tmpfs() ? "tmpfs" : null, m.host(), m.path()));
    }
    out.stdout(Buffer.buffer(b.toString()));
    return 0;
  }

  private static String row(boolean h, String name, Path host, String mountedOn) {
    Path p = host;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    long total = 0;
    long free = 0;
    String fsName = name;
    try {
      FileStore store = Files.getFileStore(p == null ? Path.of("/") : p);
      total = store.getTotalSpace() / 1024;
      free = store.getUsableSpace() / 1024;
      fsName = name != null ? name : store.name();
    } catch (IOException e) {
      fsName = name != null ? name : "none";
    }
    long used = Math.max(0, total - free);
    long pct = total == 0 ? 0 : (used * 100 + total - 1) / total;
    String flag = h ? "h" : "";
    return String.format(Locale.ROOT, "%-20s %9s %9s %9s %3d%% %s%n", fsName, human(flag, total), human(flag, used),
        human(flag, free), pct, mountedOn);
  }

  private int find(List<String> args) {
    List<String> roots = new ArrayList<>();
    Pattern name = null;
    String type = null;
    int max = Integer.MAX_VALUE;
    int min = 0;
    int i = 0;
    for (; i < args.size() && !args.get(i).startsWith("-"); i++) {
      roots.add(args.get(i));
    }
    for (; i + 1 < args.size(); i += 2) {
      String v = args.get(i + 1);
      switch (args.get(i)) {
        case "-name", "-iname" -> name = glob(v, args.get(i).equals("-iname"));
        case "-type" -> type = v;
        case "-maxdepth" -> max = Integer.parseInt(v);
        case "-mindepth" -> min = Integer.parseInt(v);
        default -> {
          return fail("find: unrecognized: " + args.get(i));
        }
      }
    }
    int code = 0;
    for (String root : roots.isEmpty() ? List.of(".") : roots) {
      try {
        String abs = ContainerFs.normalize(cwd, root);
        need(root);
        StringBuilder b = new StringBuilder();
        for (String f : fs.walk(abs)) {
          String rest = f.substring(abs.length()).replaceFirst("^/", "");
          int depth = rest.isEmpty() ? 0 : (int) rest.chars().filter(c -> c == '/').count() + 1;
          ContainerFs.Entry e = fs.lstat(f);
          boolean typed = type == null || e != null && type.equals(e.link() != null ? "l" : e.dir() ? "d" : "f");
          if (depth >= min && depth <= max && typed && (name == null || name.matcher(ContainerFs.name(f)).matches())) {
            b.append(shown(root, abs, f)).append('\n');
          }
        }
        out.stdout(Buffer.buffer(b.toString()));
      } catch (IOException | NumberFormatException e) {
        code = fail("find: " + root + ": " + (e instanceof IOException io ? FileCommands.reason(io) : e.getMessage()));
      }
    }
    return code;
  }

  private static Pattern glob(String glob, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    for (char ch : glob.toCharArray()) {
      re.append(switch (ch) {
        case '*' -> ".*";
        case '?' -> ".";
        default -> Pattern.quote(String.valueOf(ch));
      });
    }
    return Pattern.compile(re.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
  }

  /** KiB on disk: 4 for a folder (none on a tmpfs), nothing for a link, the size in 4 KiB blocks for a file. */
  static long kib(ContainerFs.Entry e) {
    return e.link() != null ? 0 : e.dir() ? (e.size() == 0 ? 4 : 0) : (e.size() + 4095) / 4096 * 4;
  }

  private static String human(String flags, long kib) {
    if (!flags.contains("h")) {
      return Long.toString(kib);
    }
    double v = kib;
    String[] units = {"K", "M", "G", "T"};
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return kib == 0 ? "0" : v < 10 ? String.format(Locale.ROOT, "%.1f%s", v, units[u])
        : String.format(Locale.ROOT, "%.0f%s", v, units[u]);
  }

  private ContainerFs.Entry need(String p) throws IOException {
    ContainerFs.Entry e = fs.stat(ContainerFs.normalize(cwd, p));
    if (e == null) {
      throw new ContainerFs.FsError(ContainerFs.NO_ENTRY);
    }
    return e;
  }

  private int fail(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
    return 1;
  }

  /** How find and du name {@code f}, found under {@code abs} which was given as {@code root}. */
  private static String shown(String root, String abs, String f) {
    String rest = f.substring(abs.length()).replaceFirst("^/", "");
    return rest.isEmpty() ? root : (root.endsWith("/") ? root : root + "/") + rest;
  }
}
