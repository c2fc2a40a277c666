package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The busybox applets that change or read files of a {@code jvm} container's file system ({@link ContainerFs}):
 * {@code cat}, {@code touch [-c]}, {@code mkdir [-p]}, {@code rm [-rf]}, {@code rmdir}, {@code cp [-r]},
 * {@code mv}, those of {@link AttributeCommands} ({@code chmod}, {@code chown}, {@code ln -s}, {@code readlink}),
 * {@code test}/{@code [} ({@code -e -f -d -s -r -w -x}, {@code =}, {@code !=}, {@code -z}, {@code -n}, {@code !}), {@code basename}, {@code dirname}, {@code md5sum},
 * {@code sha256sum}, and the text filters of {@link TextFilters} over files named as operands. Errors in
 * busybox's words. Relative paths start at the shell's working folder. Blocking: call from a worker thread.
 */
final class FileCommands {

  /** The applets offered here. */
  static final List<String> NAMES = java.util.stream.Stream.of(List.of("cat", "touch", "mkdir", "rm", "rmdir", "cp",
      "mv", "test", "[", "[[", "basename", "dirname", "md5sum", "sha256sum"), AttributeCommands.NAMES)
      .flatMap(List::stream).toList();

  private final ContainerFs fs;
  private final String cwd;
  private final ExecSession.Output out;

  FileCommands(ContainerFs fs, String cwd, ExecSession.Output out) {
    this.fs = fs;
    this.cwd = cwd;
    this.out = out;
  }

  /** Runs applet {@code name}; {@code input} is what a pipeline gives it on stdin (null: none). */
  int run(String name, List<String> args, String input) {
    return switch (name) {
      case "cat" -> cat(args, input);
      case "touch" -> touch(args);
      case "mkdir" -> mkdir(args);
      case "rm" -> rm(args);
      case "rmdir" -> rmdir(args);
      case "cp", "mv" -> copy(name, args);
      case "chmod", "chown", "chgrp", "ln", "readlink" -> new AttributeCommands(fs, cwd, out).run(name, args);
      case "test", "[", "[[" -> test(args);
      case "basename" -> args.isEmpty() ? usage(name) : print(basename(args.get(0), args.size() > 1 ? args.get(1) : ""));
      case "dirname" -> args.isEmpty() ? usage(name) : print(dirname(args.get(0)));
      case "md5sum", "sha256sum" -> digest(name, args);
      default -> filter(name, args, input);
    };
  }

  /** A text filter ({@code grep}, {@code head}…) over the files named, else over its input. */
  private int filter(String name, List<String> args, String input) {
    if (name.equals("tr")) {
      return TextFilters.run(name, args, input == null ? "" : input, out); // tr reads no file
    }
    List<String> options = new ArrayList<>();
    List<String> files = new ArrayList<>();
    boolean pattern = name.equals("grep") || name.equals("sed");
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("-") && a.length() > 1 && files.isEmpty()) {
        options.add(a);
        if (TextFilters.takesValue(name, a) && i + 1 < args.size()) {
          options.add(args.get(++i));
          pattern &= !a.equals("-e");
        }
      } else if (pattern) {
        options.add(a);
        pattern = false;
      } else {
        files.add(a);
      }
    }
    if (files.isEmpty()) {
      return TextFilters.run(name, options, input == null ? "" : input, out);
    }
    if (name.equals("sed") && options.stream().anyMatch(o -> o.matches("-[nEr]*i.*"))) {
      return sedInPlace(options, files);
    }
    StringBuilder text = new StringBuilder();
    for (String f : files) {
      try {
        String content = new String(fs.read(path(f)), StandardCharsets.UTF_8);
        if (name.equals("wc")) {
          wc(options, content, f); // busybox names each file after its counts
        } else {
          text.append(content);
        }
      } catch (IOException e) {
        return fail(name + ": can't open '" + f + "': " + reason(e));
      }
    }
    return name.equals("wc") ? 0 : TextFilters.run(name, options, text.toString(), out);
  }

  /** {@code sed -i}: each file's result written back to it, nothing on stdout. */
  private int sedInPlace(List<String> options, List<String> files) {
    for (String f : files) {
      try {
        String content = new String(fs.read(path(f)), StandardCharsets.UTF_8);
        StringBuilder result = new StringBuilder();
        int code = TextFilters.run("sed", options, content, new ExecSession.Output() {
          @Override
          public void stdout(Buffer data) {
            result.append(data.toString(StandardCharsets.UTF_8));
          }

          @Override
          public void stderr(Buffer data) {
            out.stderr(data);
          }
        });
        if (code != 0) {
          return code;
        }
        fs.write(path(f), result.toString().getBytes(StandardCharsets.UTF_8), false);
      } catch (IOException e) {
        return fail("sed: can't open '" + f + "': " + reason(e));
      }
    }
    return 0;
  }

  private void wc(List<String> options, String content, String file) {
    StringBuilder counts = new StringBuilder();
    TextFilters.run("wc", options, content, new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        counts.append(data.toString(StandardCharsets.UTF_8));
      }

      @Override
      public void stderr(Buffer data) {
        out.stderr(data);
      }
    });
    print(counts.toString().strip() + " " + file);
  }

  private int cat(List<String> args, String input) {
    if (args.isEmpty() || args.equals(List.of("-"))) {
      out.stdout(Buffer.buffer(input == null ? "" : input));
      return 0;
    }
    int code = 0;
    for (String f : args) {
      try {
        out.stdout(Buffer.buffer(fs.read(path(f))));
      } catch (IOException e) {
        code = fail("cat: can't open '" + f + "': " + reason(e));
      }
    }
    return code;
  }

  private int touch(List<String> args) {
    boolean create = !args.contains("-c");
    int code = 0;
    for (String f : operands(args)) {
      try {
        ContainerFs.Entry e = fs.stat(path(f));
        if (e == null && create) {
          fs.write(path(f), new byte[0], true);
        } else if (e != null && !e.writable()) {
          throw new ContainerFs.FsError(ContainerFs.READ_ONLY);
        }
      } catch (IOException e) {
        code = fail("touch: " + f + ": " + reason(e));
      }
    }
    return code;
  }

  private int mkdir(List<String> args) {
    boolean parents = args.stream().anyMatch(a -> a.startsWith("-") && a.contains("p"));
    List<String> dirs = operands(args);
    if (dirs.isEmpty()) {
      return usage("mkdir");
    }
    int code = 0;
    for (String d : dirs) {
      try {
        if (parents) {
          mkdirs(path(d));
        } else {
          fs.mkdir(path(d));
        }
      } catch (IOException e) {
        code = fail("mkdir: can't create directory '" + d + "': " + reason(e));
      }
    }
    return code;
  }

  /** {@code mkdir -p}: each missing folder on the way made; an existing folder is fine. */
  void mkdirs(String p) throws IOException {
    fs.mkdirs(p);
  }

  private int rm(List<String> args) {
    String flags = flags(args);
    boolean recursive = flags.contains("r") || flags.contains("R");
    boolean force = flags.contains("f");
    List<String> paths = operands(args);
    if (paths.isEmpty() && !force) {
      return usage("rm");
    }
    int code = 0;
    for (String f : paths) {
      try {
        ContainerFs.Entry e = fs.stat(path(f));
        if (e != null && e.dir() && !recursive) {
          code = fail("rm: '" + f + "' is a directory");
          continue;
        }
        if (e == null && force) {
          continue;
        }
        fs.remove(path(f), true);
      } catch (IOException e) {
        code = fail("rm: can't remove '" + f + "': " + reason(e));
      }
    }
    return code;
  }

  private int rmdir(List<String> args) {
    int code = 0;
    for (String d : operands(args)) {
      try {
        ContainerFs.Entry e = fs.stat(path(d));
        if (e != null && !e.dir()) {
          throw new ContainerFs.FsError(ContainerFs.NOT_DIR);
        }
        fs.remove(path(d), false);
      } catch (IOException e) {
        code = fail("rmdir: '" + d + "': " + reason(e));
      }
    }
    return code;
  }

  /** {@code cp [-r] SRC... DEST} and {@code mv SRC... DEST}: into DEST when it is a folder. */
  private int copy(String name, List<String> args) {
    String flags = flags(args);
    boolean move = name.equals("mv");
    boolean recursive = move || flags.contains("r") || flags.contains("R") || flags.contains("a");
    List<String> paths = operands(args);
    if (paths.size() < 2) {
      return usage(name);
    }
    String dest = path(paths.get(paths.size() - 1));
    int code = 0;
    try {
      ContainerFs.Entry d = fs.stat(dest);
      boolean into = d != null && d.dir();
      if (paths.size() > 2 && !into) {
        return fail(name + ": '" + paths.get(paths.size() - 1) + "' is not a directory");
      }
      for (String s : paths.subList(0, paths.size() - 1)) {
        String src = path(s);
        String target = into ? ContainerFs.normalize(dest, ContainerFs.name(src)) : dest;
        code |= copyOne(name, s, src, target, recursive, move);
      }
    } catch (IOException e) {
      code = fail(name + ": " + reason(e));
    }
    return code;
  }

  private int copyOne(String name, String given, String src, String target, boolean recursive, boolean move)
      throws IOException {
    ContainerFs.Entry e = fs.stat(src);
    if (e == null) {
      return fail(move ? "mv: can't rename '" + given + "': " + ContainerFs.NO_ENTRY
          : "cp: can't stat '" + given + "': " + ContainerFs.NO_ENTRY);
    }
    if (e.dir() && !recursive) {
      return fail("cp: omitting directory '" + given + "'");
    }
    if (target.equals(src) || target.startsWith(src.equals("/") ? "/" : src + "/")) {
      return fail(name + ": can't " + (move ? "move" : "copy") + " '" + given + "' into itself");
    }
    boolean links = move || recursive;
    for (String from : links ? fs.walk(src) : List.of(src)) {
      String to = target + from.substring(src.length());
      try {
        ContainerFs.Entry f = links ? fs.lstat(from) : fs.stat(from);
        if (f.link() != null) {
          fs.symlink(f.link(), to);
        } else if (f.dir()) {
          mkdirs(to);
        } else {
          fs.write(to, fs.read(from), false);
        }
      } catch (IOException ex) {
        return fail(name + ": can't create '" + to + "': " + reason(ex));
      }
    }
    if (move) {
      try {
        fs.remove(src, true);
      } catch (IOException ex) {
        return fail("mv: can't remove '" + given + "': " + reason(ex));
      }
    }
    return 0;
  }

  /** {@code test -e|-f|-d|-s|-r|-w|-x PATH}, {@code test STRING} (also as {@code [ ... ]}): 0 when it holds. */
  private int test(List<String> args) {
    String last = args.isEmpty() ? "" : args.get(args.size() - 1);
    List<String> a = last.equals("]") || last.equals("]]") ? args.subList(0, args.size() - 1) : args;
    if (!a.isEmpty() && a.get(0).equals("!")) {
      return 1 - test(a.subList(1, a.size()));
    }
    if (a.size() == 3 && (a.get(1).equals("=") || a.get(1).equals("==") || a.get(1).equals("!="))) {
      return a.get(0).equals(a.get(2)) == !a.get(1).equals("!=") ? 0 : 1;
    }
    if (a.size() == 3 && a.get(1).matches("-(eq|ne|lt|le|gt|ge)")) {
      return compare(a.get(0), a.get(1), a.get(2));
    }
    if (a.size() != 2) {
      return a.size() == 1 && !a.get(0).isEmpty() ? 0 : 1;
    }
    if (a.get(0).equals("-z") || a.get(0).equals("-n")) {
      return a.get(1).isEmpty() == a.get(0).equals("-z") ? 0 : 1;
    }
    ContainerFs.Entry e;
    try {
      e = fs.stat(path(a.get(1)));
    } catch (IOException ex) {
      e = null;
    }
    boolean holds = switch (a.get(0)) {
      case "-d" -> e != null && e.dir();
      case "-f" -> e != null && !e.dir();
      case "-s" -> e != null && !e.dir() && e.size() > 0;
      case "-w" -> e != null && e.writable() && fs.may(path(a.get(1)), FileAccess.WRITE);
      case "-r" -> e != null && fs.may(path(a.get(1)), FileAccess.READ);
      case "-x" -> e != null && fs.may(path(a.get(1)), FileAccess.EXECUTE);
      case "-h", "-L" -> lstat(path(a.get(1))) != null && lstat(path(a.get(1))).link() != null;
      case "-e" -> e != null;
      default -> false;
    };
    return holds ? 0 : 1;
  }

  private ContainerFs.Entry lstat(String p) {
    try {
      return fs.lstat(p);
    } catch (IOException e) {
      return null;
    }
  }

  /** {@code test A -lt B} and the other integer comparisons; 2 with busybox's message when one is no number. */
  private int compare(String left, String op, String right) {
    long l;
    long r;
    try {
      l = Long.parseLong(left.trim());
      r = Long.parseLong(right.trim());
    } catch (NumberFormatException e) {
      String bad = left.trim().matches("-?\\d+") ? right : left;
      return fail("sh: " + (bad.isEmpty() ? "bad number" : "invalid number '" + bad + "'")) + 1;
    }
    boolean holds = switch (op) {
      case "-eq" -> l == r;
      case "-ne" -> l != r;
      case "-lt" -> l < r;
      case "-le" -> l <= r;
      case "-gt" -> l > r;
      default -> l >= r;
    };
    return holds ? 0 : 1;
  }

  private int digest(String name, List<String> args) {
    int code = 0;
    for (String f : operands(args)) {
      try {
        MessageDigest md = MessageDigest.getInstance(name.equals("md5sum") ? "MD5" : "SHA-256");
        print(HexFormat.of().formatHex(md.digest(fs.read(path(f)))) + "  " + f);
      } catch (IOException e) {
        code = fail(name + ": can't open '" + f + "': " + reason(e));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return code;
  }

  private static String dirname(String p) {
    String n = p.replaceFirst("(.)/+$", "$1");
    return !n.contains("/") ? "." : ContainerFs.parent(n);
  }

  private static String basename(String p, String suffix) {
    String n = p.replaceFirst("(.)/+$", "$1");
    n = n.equals("/") ? "/" : n.substring(n.lastIndexOf('/') + 1);
    return !suffix.isEmpty() && n.endsWith(suffix) && !n.equals(suffix) ? n.substring(0, n.length() - suffix.length()) : n;
  }

  private String path(String p) {
    return ContainerFs.normalize(cwd, p);
  }

  /** The letters of the leading options ({@code -rf} → {@code rf}). */
  static String flags(List<String> args) {
    StringBuilder b = new StringBuilder();
    for (String a : args) {
      if (a.equals("--")) {
        break;
      }
      if (a.startsWith("-") && a.length() > 1 && !a.startsWith("--")) {
        b.append(a, 1, a.length());
      }
    }
    return b.toString();
  }

  /** The arguments that are not options. */
  static List<String> operands(List<String> args) {
    List<String> ops = new ArrayList<>();
    boolean dashes = false;
    for (String a : args) {
      if (!dashes && a.equals("--")) {
        dashes = true;
      } else if (dashes || !a.startsWith("-") || a.equals("-")) {
        ops.add(a);
      }
    }
    return ops;
  }

  static String reason(IOException e) {
    if (e instanceof ContainerFs.FsError) {
      return e.getMessage();
    }
    return e instanceof java.nio.file.NoSuchFileException ? ContainerFs.NO_ENTRY
        : e instanceof java.nio.file.AccessDeniedException ? "Permission denied" : String.valueOf(e.getMessage());
  }

  private int usage(String name) {
    return fail(name + ": missing operand");
  }

  private int print(String line) {
    out.stdout(Buffer.buffer(line + "\n"));
    return 0;
  }

  private int fail(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
    return 1;
  }
}
