package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The commands {@code kubectl exec} finds in a {@code jvm} container: {@code env}, {@code printenv},
 * {@code hostname}, {@code cat}, {@code ls}, {@code echo}, {@code pwd}, {@code true}, {@code false},
 * {@code exit N}, and {@code sh -c} / {@code bash -c} of those joined by {@code ;}, {@code &&} and
 * {@code ||}, with {@code $VAR} expansion and {@code > FILE} / {@code >> FILE} into a writable volume
 * mount. They see the container's environment and its volume mounts; nothing of the host. Small file
 * reads and writes run on the calling thread.
 */
final class BuiltinShell {

  private static final Pattern VAR = Pattern.compile("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)}?");
  private static final Pattern SPLIT = Pattern.compile("(;|&&|\\|\\|)");

  private final ContainerSpec spec;
  private final ExecSession.Output out;

  private BuiltinShell(ContainerSpec spec, ExecSession.Output out) {
    this.spec = spec;
    this.out = out;
  }

  /** Runs {@code command}; the output goes to {@code out} before the session completes. */
  static ExecSession run(ContainerSpec spec, List<String> command, ExecSession.Output out) {
    int code;
    try {
      code = new BuiltinShell(spec, out).command(command);
    } catch (RuntimeException e) {
      out.stderr(Buffer.buffer(e.getMessage() + "\n"));
      code = 1;
    }
    return ExecSession.finished(code);
  }

  private int command(List<String> argv) {
    if (argv.isEmpty()) {
      return 0;
    }
    String cmd = argv.get(0);
    String name = cmd.substring(cmd.lastIndexOf('/') + 1);
    List<String> args = argv.subList(1, argv.size());
    return switch (name) {
      case "env", "printenv" -> env(args);
      case "hostname" -> print(spec.env().getOrDefault("HOSTNAME", spec.podName()));
      case "echo" -> print(String.join(" ", args.stream().filter(a -> !a.equals("-n")).toList()));
      case "pwd" -> print(spec.container().getWorkingDir() == null ? "/" : spec.container().getWorkingDir());
      case "cat" -> cat(args);
      case "ls" -> ls(args);
      case "true" -> 0;
      case "false" -> 1;
      case "exit" -> args.isEmpty() ? 0 : Integer.parseInt(args.get(0).trim());
      case "sh", "bash", "ash" -> shell(args);
      default -> {
        out.stderr(Buffer.buffer("exec: \"" + cmd + "\": executable file not found in $PATH (dekube's jvm "
            + "containers offer env, printenv, hostname, echo, cat, ls, pwd, true, false, exit, sh -c)\n"));
        yield 127;
      }
    };
  }

  private int env(List<String> args) {
    Map<String, String> env = spec.env();
    if (!args.isEmpty()) {
      String v = env.get(args.get(0));
      return v == null ? 1 : print(v);
    }
    StringBuilder b = new StringBuilder();
    env.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    out.stdout(Buffer.buffer(b.toString()));
    return 0;
  }

  private int print(String line) {
    out.stdout(Buffer.buffer(line + "\n"));
    return 0;
  }

  private int shell(List<String> args) {
    if (args.size() < 2 || !args.get(0).equals("-c")) {
      out.stderr(Buffer.buffer("sh: only \"sh -c COMMANDS\" is offered here\n"));
      return 2;
    }
    String script = args.get(1);
    Matcher m = SPLIT.matcher(script);
    int last = 0;
    int code = 0;
    String op = ";";
    while (true) {
      boolean found = m.find();
      String part = found ? script.substring(last, m.start()) : script.substring(last);
      boolean run = op.equals(";") || (op.equals("&&") && code == 0) || (op.equals("||") && code != 0);
      if (run && !part.isBlank()) {
        code = redirected(words(expand(part)));
      }
      if (!found) {
        return code;
      }
      op = m.group(1);
      last = m.end();
    }
  }

  /** A command whose output {@code > FILE} or {@code >> FILE} sends into a file of a writable mount. */
  private int redirected(List<String> words) {
    List<String> argv = new ArrayList<>();
    for (String w : words) {
      String op = w.startsWith(">>") ? ">>" : w.startsWith(">") ? ">" : null;
      if (op != null && w.length() > op.length()) {
        argv.add(op);
        argv.add(w.substring(op.length()));
      } else {
        argv.add(w);
      }
    }
    int at = -1;
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i).equals(">") || argv.get(i).equals(">>")) {
        at = i;
      }
    }
    if (at < 0) {
      return command(argv);
    }
    if (at != argv.size() - 2) {
      out.stderr(Buffer.buffer("sh: a redirection takes one file name\n"));
      return 2;
    }
    String file = argv.get(at + 1);
    boolean append = argv.get(at).equals(">>");
    Path p = writable(file);
    if (p == null) {
      out.stderr(Buffer.buffer("sh: can't create " + file + ": Read-only file system\n"));
      return 1;
    }
    StringBuilder captured = new StringBuilder();
    ExecSession.Output real = out;
    int code = new BuiltinShell(spec, new ExecSession.Output() {
      @Override
      public void stdout(Buffer b) {
        captured.append(b.toString());
      }

      @Override
      public void stderr(Buffer b) {
        real.stderr(b);
      }
    }).command(argv.subList(0, at));
    try {
      Files.createDirectories(p.getParent());
      if (append) {
        Files.writeString(p, captured, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      } else {
        Files.writeString(p, captured);
      }
    } catch (IOException e) {
      out.stderr(Buffer.buffer("sh: can't create " + file + ": " + e.getMessage() + "\n"));
      return 1;
    }
    return code;
  }

  /** The host file behind a container path in a mount that is not read-only, or null. */
  private Path writable(String path) {
    Path p = hostPath(path);
    if (p == null || Files.isSymbolicLink(p) || spec.container().getVolumeMounts() == null) {
      return p == null || Files.isSymbolicLink(p) ? null : p;
    }
    String best = "";
    boolean readOnly = false;
    for (var m : spec.container().getVolumeMounts()) {
      String mount = m.getMountPath();
      if (mount != null && (path.equals(mount) || path.startsWith(mount.endsWith("/") ? mount : mount + "/"))
          && mount.length() > best.length()) {
        best = mount;
        readOnly = Boolean.TRUE.equals(m.getReadOnly());
      }
    }
    return readOnly ? null : p;
  }

  private String expand(String s) {
    Matcher m = VAR.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(b, Matcher.quoteReplacement(spec.env().getOrDefault(m.group(1), "")));
    }
    m.appendTail(b);
    return b.toString();
  }

  /** Splits on blanks, keeping single- and double-quoted words together. */
  static List<String> words(String s) {
    List<String> words = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    boolean any = false;
    for (char ch : s.toCharArray()) {
      if (quote != 0) {
        if (ch == quote) {
          quote = 0;
        } else {
          cur.append(ch);
        }
      } else if (ch == '\'' || ch == '"') {
        quote = ch;
        any = true;
      } else if (Character.isWhitespace(ch)) {
        if (cur.length() > 0 || any) {
          words.add(cur.toString());
          cur.setLength(0);
          any = false;
        }
      } else {
        cur.append(ch);
      }
    }
    if (cur.length() > 0 || any) {
      words.add(cur.toString());
    }
    return words;
  }

  private int cat(List<String> files) {
    int code = 0;
    for (String f : files) {
      String special = special(f);
      if (special != null) {
        out.stdout(Buffer.buffer(special));
        continue;
      }
      Path p = hostPath(f);
      try {
        if (p == null || !Files.isRegularFile(p)) {
          throw new IOException();
        }
        out.stdout(Buffer.buffer(Files.readAllBytes(p)));
      } catch (IOException e) {
        out.stderr(Buffer.buffer("cat: " + f + ": No such file or directory\n"));
        code = 1;
      }
    }
    return code;
  }

  private int ls(List<String> args) {
    String dir = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("/");
    TreeMap<String, Boolean> names = new TreeMap<>();
    String norm = dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
    for (String mount : spec.mounts().keySet()) {
      String parent = mount.contains("/") ? mount.substring(0, Math.max(1, mount.lastIndexOf('/'))) : "/";
      if (parent.equals(norm)) {
        names.put(mount.substring(mount.lastIndexOf('/') + 1), true);
      }
    }
    Path p = hostPath(norm);
    if (p != null && Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith("..")).forEach(n -> names.put(n, true));
      } catch (IOException e) {
        // listed what we could
      }
    } else if (names.isEmpty() && !norm.equals("/")) {
      out.stderr(Buffer.buffer("ls: " + dir + ": No such file or directory\n"));
      return 1;
    }
    if (norm.equals("/")) {
      names.put("etc", true);
    }
    names.keySet().forEach(this::print);
    return 0;
  }

  private String special(String path) {
    return switch (path) {
      case "/etc/hostname" -> spec.env().getOrDefault("HOSTNAME", spec.podName()) + "\n";
      case "/etc/hosts" -> "127.0.0.1\tlocalhost\n" + spec.podIp() + "\t" + spec.podName() + "\n";
      case "/etc/resolv.conf" -> io.dekube.core.net.ClusterNetwork.resolvConf(spec.namespace());
      default -> null;
    };
  }

  /** The host file behind a container path, through the longest mount that holds it. */
  private Path hostPath(String path) {
    String best = null;
    for (String mount : spec.mounts().keySet()) {
      if ((path.equals(mount) || path.startsWith(mount.endsWith("/") ? mount : mount + "/"))
          && (best == null || mount.length() > best.length())) {
        best = mount;
      }
    }
    if (best == null) {
      return null;
    }
    String rest = path.substring(best.length()).replaceFirst("^/+", "");
    Path base = spec.mounts().get(best);
    Path p = rest.isEmpty() ? base : base.resolve(rest).normalize();
    return p.startsWith(base) ? p : null;
  }
}
