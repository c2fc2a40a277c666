package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The busybox applets that change what a {@code jvm} container's files are rather than what they hold
 * ({@link ContainerFs}): {@code chmod [-R] MODE FILE...} (octal or {@code u+x,go-w,a=r}), {@code chown [-R] [-h]
 * USER[:GROUP] FILE...}, {@code chgrp [-R] GROUP FILE...} (names from the image's {@code /etc/passwd} and
 * {@code /etc/group}, or numbers), {@code ln -s [-f] TARGET [LINK|DIR]} and {@code readlink [-f] FILE}. The kernel's
 * rules hold: only the owner or root changes a mode, only root an owner ({@code Operation not permitted}).
 * Errors in busybox's words. Blocking: call from a worker thread.
 */
final class AttributeCommands {

  /** The applets offered here. */
  static final List<String> NAMES = List.of("chmod", "chown", "chgrp", "ln", "readlink");

  private static final Pattern CLAUSE = Pattern.compile("([ugoa]*)([-+=])([rwxXst]*)");

  private final ContainerFs fs;
  private final String cwd;
  private final ExecSession.Output out;

  AttributeCommands(ContainerFs fs, String cwd, ExecSession.Output out) {
    this.fs = fs;
    this.cwd = cwd;
    this.out = out;
  }

  int run(String name, List<String> args) {
    return switch (name) {
      case "chmod" -> chmod(args);
      case "chown", "chgrp" -> chown(name, args);
      case "ln" -> ln(args);
      default -> readlink(args);
    };
  }

  private int chmod(List<String> args) {
    boolean recursive = FileCommands.flags(args.stream().filter(a -> a.matches("-[Rvcf]+")).toList()).contains("R");
    List<String> ops = args.stream().filter(a -> !a.matches("-[Rvcf]+")).toList();
    if (ops.size() < 2) {
      return fail("chmod: missing operand");
    }
    String spec = ops.get(0);
    if (mode(spec, 0644, false) < 0) {
      return fail("chmod: invalid mode '" + spec + "'");
    }
    int code = 0;
    for (String f : ops.subList(1, ops.size())) {
      try {
        for (String p : recursive ? fs.walk(path(f)) : List.of(path(f))) {
          ContainerFs.Entry e = fs.stat(p);
          if (e == null) {
            throw new ContainerFs.FsError(ContainerFs.NO_ENTRY);
          }
          fs.chmod(p, mode(spec, e.mode(), e.dir()));
        }
      } catch (IOException e) {
        code = fail("chmod: " + f + ": " + FileCommands.reason(e));
      }
    }
    return code;
  }

  /**
   * The mode {@code spec} makes of {@code mode}: an octal number, or clauses {@code [ugoa]*[-+=][rwxXst]*} joined by
   * commas ({@code X}: execute for folders and for files someone may execute); -1 when it is neither.
   */
  static int mode(String spec, int mode, boolean dir) {
    if (spec.matches("[0-7]{1,4}")) {
      return Integer.parseInt(spec, 8);
    }
    int m = mode;
    for (String clause : spec.split(",", -1)) {
      Matcher c = CLAUSE.matcher(clause);
      if (!c.matches()) {
        return -1;
      }
      String who = c.group(1).isEmpty() || c.group(1).contains("a") ? "ugo" : c.group(1);
      int mask = (who.contains("u") ? 04700 : 0) | (who.contains("g") ? 02070 : 0) | (who.contains("o") ? 01007 : 0);
      int bits = 0;
      for (char p : c.group(3).toCharArray()) {
        bits |= switch (p) {
          case 'r' -> 0444;
          case 'w' -> 0222;
          case 'x' -> 0111;
          case 'X' -> dir || (m & 0111) != 0 ? 0111 : 0;
          case 's' -> 06000;
          default -> 01000;
        };
      }
      bits &= mask;
      m = switch (c.group(2)) {
        case "+" -> m | bits;
        case "-" -> m & ~bits;
        default -> m & ~mask | bits;
      };
    }
    return m;
  }

  private int chown(String name, List<String> args) {
    String flags = FileCommands.flags(args);
    List<String> ops = FileCommands.operands(args);
    if (ops.size() < 2) {
      return fail(name + ": missing operand");
    }
    String owner = ops.get(0);
    long uid = -1;
    long gid = -1;
    String user = name.equals("chgrp") ? "" : owner.split("[:.]", 2)[0];
    String group = name.equals("chgrp") ? owner : owner.contains(":") ? owner.substring(owner.indexOf(':') + 1) : "";
    if (!user.isEmpty() && (uid = id(user, fs.user().users())) < 0) {
      return fail(name + ": unknown user " + user);
    }
    if (!group.isEmpty() && (gid = id(group, fs.user().groupNames())) < 0) {
      return fail(name + ": unknown group " + group);
    }
    int code = 0;
    for (String f : ops.subList(1, ops.size())) {
      try {
        for (String p : flags.contains("R") ? fs.walk(path(f)) : List.of(path(f))) {
          fs.chown(p, uid, gid, !flags.contains("h") && p.equals(path(f)));
        }
      } catch (IOException e) {
        code = fail(name + ": " + f + ": " + FileCommands.reason(e));
      }
    }
    return code;
  }

  /** A user's or group's id by its name in the image, or its number; -1 when it is neither. */
  private static long id(String given, Map<Long, String> names) {
    if (given.matches("\\d+")) {
      return Long.parseLong(given);
    }
    return names.entrySet().stream().filter(e -> e.getValue().equals(given)).mapToLong(Map.Entry::getKey)
        .min().orElse(-1);
  }

  private int ln(List<String> args) {
    String flags = FileCommands.flags(args);
    List<String> ops = FileCommands.operands(args);
    if (ops.isEmpty()) {
      return fail("ln: missing operand");
    }
    String target = ops.get(0);
    String link = ops.size() > 1 ? ops.get(ops.size() - 1) : ContainerFs.name(ContainerFs.normalize("/", target));
    try {
      ContainerFs.Entry at = flags.contains("n") ? fs.lstat(path(link)) : fs.stat(path(link));
      if (at != null && at.dir()) {
        link = (link.endsWith("/") ? link : link + "/") + ContainerFs.name(ContainerFs.normalize("/", target));
      }
      if (!flags.contains("s")) {
        throw new ContainerFs.FsError(FileAccess.NOT_PERMITTED); // no hard links on this file system
      }
      if (flags.contains("f") && fs.lstat(path(link)) != null) {
        fs.remove(path(link), false);
      }
      fs.symlink(target, path(link));
      return 0;
    } catch (IOException e) {
      return fail("ln: " + link + ": " + FileCommands.reason(e));
    }
  }

  private int readlink(List<String> args) {
    boolean canonical = FileCommands.flags(args).contains("f");
    List<String> ops = FileCommands.operands(args);
    if (ops.isEmpty()) {
      return fail("readlink: missing operand");
    }
    try {
      String shown = canonical ? fs.realpath(path(ops.get(0))) : fs.readlink(path(ops.get(0)));
      out.stdout(Buffer.buffer(shown + "\n"));
      return 0;
    } catch (IOException e) {
      return 1; // busybox says nothing
    }
  }

  private String path(String p) {
    return ContainerFs.normalize(cwd, p);
  }

  private int fail(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
    return 1;
  }
}
