package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The commands of a {@code jvm} container, as busybox offers them: {@code env}, {@code printenv},
 * {@code hostname}, {@code echo}, {@code pwd}, {@code cd}, {@code date}, {@code id}, {@code whoami}, {@code uname},
 * {@code ps}, {@code true}, {@code false}, {@code exit N}, {@code sleep N}, the network commands of {@link PodNet}
 * ({@code wget}, {@code nslookup}, {@code nc -z}, {@code ping}), the file applets of {@link FileCommands},
 * {@link FileListings} and {@link TarFiles} over the container's own file system ({@link ContainerFs}), the filters
 * of {@link TextFilters} ({@code grep}, {@code head}…), and {@code sh -c} of those joined by {@code ;},
 * {@code &&}, {@code ||} and pipes {@code |}, with {@code $VAR} and {@code $?} expansion and the redirections
 * of {@link Redirections} ({@code > FILE}, {@code < FILE}, {@code 2>&1}…). They see the container's environment,
 * its files and the pod's network; nothing of the host. Commands complete a {@link Future}; file work runs on a
 * worker thread, waits on timers and network clients. {@link ShellSession} reads scripts from stdin. Confined to
 * one caller at a time.
 */
final class BuiltinShell {

  private static final Pattern VAR = Pattern.compile("\\$(\\?|\\{?([A-Za-z_][A-Za-z0-9_]*)}?)");
  private static final Pattern SPLIT = Pattern.compile("(;|&&|\\|\\|)");
  /** The commands offered (busybox's applets of those names), as {@code /bin} lists them. */
  static final List<String> APPLETS = Stream.of(List.of("sh", "env", "printenv", "hostname", "echo",
          "pwd", "cd", "date", "id", "whoami", "uname", "true", "false", "exit", "sleep", "wget", "nslookup", "nc", "ps",
          "tar"), FileCommands.NAMES, FileListings.NAMES, TextFilters.NAMES)
      .flatMap(List::stream).filter(n -> !n.equals("[")).distinct().sorted().toList();
  private static final String OFFERED = String.join(", ", APPLETS);
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss 'UTC' yyyy",
      Locale.ROOT);

  private final Vertx vertx;
  private final ContainerSpec spec;
  private final ExecSession.Output out;
  private final ContainerFs fs;
  private final TrafficPolicy traffic;
  private int last;
  private boolean exited;
  private boolean interrupted;
  private Runnable cancel;
  /** The shell an interrupt reaches (inner shells run a redirected command or a pipeline stage). */
  private BuiltinShell root = this;
  /** What a pipeline stage reads on stdin (the output of the stage before), or null. */
  private String input;
  /** The working folder ({@code cd}): the container's workingDir at first. */
  private String cwd;

  BuiltinShell(Vertx vertx, ContainerSpec spec, ExecSession.Output out, TrafficPolicy traffic) {
    this(vertx, spec, out, traffic, ContainerFs.of(spec, APPLETS));
  }

  private BuiltinShell(Vertx vertx, ContainerSpec spec, ExecSession.Output out, TrafficPolicy traffic, ContainerFs fs) {
    this.vertx = vertx;
    this.spec = spec;
    this.out = out;
    this.fs = fs;
    this.traffic = traffic;
    String wd = spec.container().getWorkingDir();
    this.cwd = wd == null || wd.isBlank() ? "/" : ContainerFs.normalize("/", wd);
  }

  /** Runs {@code command}; the output goes to {@code out} before the session completes. */
  static ExecSession run(Vertx vertx, ContainerSpec spec, List<String> command, ExecSession.Output out) {
    return ShellSession.start(vertx, spec, command, out, false, TrafficPolicy.OPEN);
  }

  /** Whether {@code exit} ran: the shell ends. */
  boolean exited() {
    return exited;
  }

  /** The exit code of the last command ({@code $?}). */
  int last() {
    return last;
  }

  /** Stops the command that runs (Ctrl-C, the client went): it ends with {@code code}, the script stops. */
  void interrupt(int code) {
    interrupted = true;
    Runnable c = cancel;
    cancel = null;
    if (c != null) {
      c.run();
    }
    last = code;
  }

  /** Runs one command line of a script: commands joined by {@code ;}, {@code &&} and {@code ||}. */
  Future<Integer> script(String script) {
    interrupted = false;
    List<String[]> parts = new ArrayList<>();
    Matcher m = SPLIT.matcher(script);
    int at = 0;
    String op = ";";
    while (m.find()) {
      parts.add(new String[] {op, script.substring(at, m.start())});
      op = m.group(1);
      at = m.end();
    }
    parts.add(new String[] {op, script.substring(at)});
    return parts(parts, 0);
  }

  private Future<Integer> parts(List<String[]> parts, int i) {
    if (i >= parts.size() || exited || interrupted) {
      return Future.succeededFuture(last);
    }
    String op = parts.get(i)[0];
    String text = parts.get(i)[1].strip();
    boolean run = op.equals(";") || (op.equals("&&") && last == 0) || (op.equals("||") && last != 0);
    if (!run || text.isEmpty() || text.startsWith("#")) {
      return parts(parts, i + 1);
    }
    return pipeline(List.of(text.split("\\|")), 0, null).map(code -> {
      last = interrupted ? last : code;
      return last;
    }).compose(c -> parts(parts, i + 1));
  }

  /**
   * Runs the stages of {@code a | b | c} one after the other, each reading the whole output of the one
   * before (enough for {@code wget -qO- URL | grep x} and {@code env | sort}).
   */
  private Future<Integer> pipeline(List<String> stages, int i, String stdin) {
    boolean lastStage = i == stages.size() - 1;
    StringBuilder captured = new StringBuilder();
    BuiltinShell stage = i == 0 && lastStage ? this : inner(lastStage ? out : capturing(captured));
    if (stage != this) {
      stage.input = stdin;
    }
    Future<Integer> run = stage.redirected(Redirections.words(expand(stages.get(i))), true);
    return lastStage ? run : run.compose(code -> interrupted ? Future.succeededFuture(code)
        : pipeline(stages, i + 1, captured.toString()));
  }

  /** Output whose stdout goes into {@code captured}; stderr goes on to this shell's. */
  private ExecSession.Output capturing(StringBuilder captured) {
    ExecSession.Output real = out;
    return new ExecSession.Output() {
      @Override
      public void stdout(Buffer b) {
        captured.append(b.toString());
      }

      @Override
      public void stderr(Buffer b) {
        real.stderr(b);
      }
    };
  }

  private BuiltinShell inner(ExecSession.Output to) {
    BuiltinShell s = new BuiltinShell(vertx, spec, to, traffic, fs);
    s.root = root;
    s.last = last;
    s.cwd = cwd;
    return s;
  }

  /** Runs one command (argv); {@code inShell}: an unknown one gets sh's message, else runc's. */
  /** Runs one command reading {@code stdin} as its input: a filter that is a session's own command. */
  Future<Integer> command(List<String> argv, String stdin) {
    input = stdin;
    return command(argv, false);
  }

  Future<Integer> command(List<String> argv, boolean inShell) {
    if (argv.isEmpty()) {
      return Future.succeededFuture(0);
    }
    String cmd = argv.get(0);
    String name = cmd.substring(cmd.lastIndexOf('/') + 1);
    List<String> args = argv.subList(1, argv.size());
    PodNet net = new PodNet(vertx, spec, out, this::whileRunning, traffic);
    return switch (name) {
      case "sleep" -> sleep(args);
      case "wget" -> net.wget(args);
      case "nslookup" -> net.nslookup(args);
      case "nc" -> net.nc(args);
      case "ping", "ping6", "traceroute" -> done(net.ping(name));
      case "sh", "bash", "ash" -> shell(args);
      case "cd" -> done(cd(args));
      case "tar" -> blocking(() -> tar(args));
      case "exit" -> {
        exited = true;
        yield Future.succeededFuture(args.isEmpty() ? last : number(args.get(0)));
      }
      default -> FileCommands.NAMES.contains(name) || FileListings.NAMES.contains(name)
          || TextFilters.NAMES.contains(name) ? blocking(() -> files(name, args)) : done(simple(name, cmd, args, inShell));
    };
  }

  private int simple(String name, String cmd, List<String> args, boolean inShell) {
    return switch (name) {
      case "env", "printenv" -> env(args);
      case "hostname" -> print(args.contains("-i") ? spec.podIp() : hostname());
      case "echo" -> print(String.join(" ", args.stream().filter(a -> !a.equals("-n")).toList()));
      case "pwd" -> print(cwd);
      case "date" -> print(args.contains("+%s") ? Long.toString(System.currentTimeMillis() / 1000)
          : DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
      case "id" -> print("uid=0(root) gid=0(root) groups=0(root),10(wheel)");
      case "whoami" -> print("root");
      case "ps" -> print("PID   USER     TIME  COMMAND\n    1 root      0:00 " + mainCommand() + "\n    7 root      0:00 ps"
          + (args.isEmpty() ? "" : " " + String.join(" ", args)));
      case "uname" -> print(args.contains("-a") ? "Linux " + hostname() + " dekube-jvm " + System.getProperty("os.arch")
          + " GNU/Linux" : "Linux");
      case "true", ":" -> 0;
      case "false" -> 1;
      default -> notFound(cmd, inShell);
    };
  }

  /** An applet of {@link FileCommands}, {@link FileListings} or {@link TextFilters} (on a worker thread). */
  private int files(String name, List<String> args) {
    return FileListings.NAMES.contains(name) ? new FileListings(fs, cwd, out).run(name, args)
        : new FileCommands(fs, cwd, out).run(name, args, input);
  }

  /** {@code tar c[v]f - PATH...}; extracting reads stdin, which {@link ShellSession} collects for it. */
  private int tar(List<String> args) {
    TarArgs t = TarArgs.parse(args);
    if (!t.create()) {
      err("tar: " + (t.extract() ? "no archive on stdin" : "need one of -c or -x"));
      return 1;
    }
    return new TarFiles(fs, t.dir() == null ? cwd : ContainerFs.normalize(cwd, t.dir()), out).create(t.paths());
  }

  /** {@code tar -xf - -C DIR} with its archive (all of stdin). */
  Future<Integer> tarExtract(List<String> args, byte[] archive) {
    String dir = TarArgs.parse(args.subList(1, args.size())).dir();
    return blocking(() -> new TarFiles(fs, cwd, out).extract(archive, dir == null ? cwd : dir));
  }

  /** {@code cd [DIR]}: to {@code $HOME} (/root) without one. */
  private int cd(List<String> args) {
    String to = args.isEmpty() ? spec.env().getOrDefault("HOME", "/root") : args.get(0);
    String p = ContainerFs.normalize(cwd, to);
    try {
      ContainerFs.Entry e = fs.stat(p);
      if (e == null || !e.dir()) {
        throw new ContainerFs.FsError(e == null ? ContainerFs.NO_ENTRY : ContainerFs.NOT_DIR);
      }
    } catch (java.io.IOException e) {
      err("sh: cd: can't cd to " + to + ": " + FileCommands.reason(e));
      return 2;
    }
    cwd = p;
    return 0;
  }

  /** Runs file work on a worker thread (the shell waits for it; its output is thread-safe). */
  private Future<Integer> blocking(java.util.concurrent.Callable<Integer> work) {
    return vertx.executeBlocking(work, false);
  }

  private int notFound(String cmd, boolean inShell) {
    if (inShell) {
      err("sh: " + cmd + ": not found");
    } else {
      err("exec: \"" + cmd + "\": executable file not found in $PATH (dekube's jvm containers offer " + OFFERED
          + ")");
    }
    return 127;
  }

  /** The container's own command line (busybox's default: sh). */
  private String mainCommand() {
    List<String> argv = new ArrayList<>();
    if (spec.container().getCommand() != null) {
      argv.addAll(spec.container().getCommand());
    }
    if (spec.container().getArgs() != null) {
      argv.addAll(spec.container().getArgs());
    }
    return argv.isEmpty() ? "sh" : String.join(" ", argv);
  }

  private String hostname() {
    return spec.env().getOrDefault("HOSTNAME", spec.podName());
  }

  /** Runs {@code work} as the command that an interrupt stops: {@code stop} ends it early. */
  private <T> Future<T> whileRunning(Future<T> work, Runnable stop) {
    root.cancel = stop;
    return work.andThen(ar -> root.cancel = null);
  }

  private Future<Integer> sleep(List<String> args) {
    if (args.isEmpty()) {
      err("sleep: missing operand");
      return Future.succeededFuture(1);
    }
    double seconds = 0;
    for (String a : args) {
      if (a.equals("infinity") || a.equals("inf")) {
        seconds = Double.POSITIVE_INFINITY;
        continue;
      }
      Matcher m = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)([smhd]?)").matcher(a);
      if (!m.matches()) {
        err("sleep: invalid number '" + a + "'");
        return Future.succeededFuture(1);
      }
      double unit = switch (m.group(2)) {
        case "m" -> 60;
        case "h" -> 3600;
        case "d" -> 86400;
        default -> 1;
      };
      seconds += Double.parseDouble(m.group(1)) * unit;
    }
    Promise<Integer> done = Promise.promise();
    long timer = seconds >= Long.MAX_VALUE / 1000.0 ? -1
        : vertx.setTimer(Math.max(1, (long) (seconds * 1000)), t -> done.tryComplete(0));
    return whileRunning(done.future(), () -> {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
      done.tryComplete(130);
    });
  }

  private Future<Integer> shell(List<String> args) {
    List<String> rest = args.stream().filter(a -> !a.equals("-e") && !a.equals("-x")).toList();
    if (rest.isEmpty()) {
      return Future.succeededFuture(0); // a shell in a shell: the outer one reads on
    }
    if (rest.size() < 2 || !rest.get(0).equals("-c")) {
      err("sh: can't open '" + rest.get(0) + "': No such file or directory");
      return Future.succeededFuture(2);
    }
    boolean outer = exited;
    return script(rest.get(1)).map(code -> {
      exited = outer;
      return code;
    });
  }

  /** A command with its redirections ({@link Redirections}): stdout into a file, stdin from one, stderr routed. */
  private Future<Integer> redirected(List<String> words, boolean inShell) {
    Redirections r;
    try {
      r = Redirections.parse(words);
    } catch (IllegalArgumentException e) {
      err(e.getMessage());
      return Future.succeededFuture(2);
    }
    if (r.none()) {
      return command(r.argv(), inShell);
    }
    String file = r.stdout();
    String path = file == null ? null : ContainerFs.normalize(cwd, file);
    boolean intoFile = path != null && !path.equals("/dev/null");
    StringBuilder captured = new StringBuilder();
    BuiltinShell inner = inner(routed(r, intoFile ? capturing(captured) : path != null ? DISCARD : out));
    // as sh does: the files are opened (stdout's made, or emptied without >>) before the command runs
    return blocking(() -> (intoFile ? written(file, path, new byte[0], true) : 0) + stdinOf(r, inner))
        .compose(opened -> opened != 0 ? Future.succeededFuture(1)
            : inner.command(r.argv(), true).compose(code -> !intoFile ? Future.succeededFuture(code)
                : blocking(() -> written(file, path, captured.toString().getBytes(StandardCharsets.UTF_8), r.append()))
                .map(w -> w != 0 ? w : code)));
  }

  private static final ExecSession.Output DISCARD = new ExecSession.Output() {
    @Override
    public void stdout(Buffer data) {
    }

    @Override
    public void stderr(Buffer data) {
    }
  };

  /** Output to {@code stdout} and this shell's stderr, as the redirections {@code 2>} and {@code >&2} route them. */
  private ExecSession.Output routed(Redirections r, ExecSession.Output stdout) {
    ExecSession.Output real = out;
    return new ExecSession.Output() {
      @Override
      public void stdout(Buffer b) {
        if (r.toStderr()) {
          stderr(b);
        } else {
          stdout.stdout(b);
        }
      }

      @Override
      public void stderr(Buffer b) {
        switch (r.stderr()) {
          case DROP -> { }
          case TO_STDOUT -> stdout.stdout(b);
          default -> real.stderr(b);
        }
      }
    };
  }

  /** Gives {@code inner} its stdin: the file of {@code < FILE}, else this shell's; 0, or 1 with sh's message. */
  private int stdinOf(Redirections r, BuiltinShell inner) {
    inner.input = input;
    if (r.stdin() == null) {
      return 0;
    }
    try {
      inner.input = new String(fs.read(ContainerFs.normalize(cwd, r.stdin())), StandardCharsets.UTF_8);
      return 0;
    } catch (IOException e) {
      err("sh: can't open " + r.stdin() + ": no such file");
      return 1;
    }
  }

  /** Writes {@code data} (null: nothing) to the redirection's file; 0, or 1 with sh's message. */
  private int written(String file, String path, byte[] data, boolean append) {
    if (data == null) {
      return 0;
    }
    try {
      fs.write(path, data, append);
      return 0;
    } catch (IOException e) {
      String reason = FileCommands.reason(e);
      err("sh: can't create " + file + ": " + (reason.equals(ContainerFs.NO_ENTRY) ? "nonexistent directory" : reason));
      return 1;
    }
  }

  private String expand(String s) {
    Matcher m = VAR.matcher(s);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String value = m.group(1).equals("?") ? Integer.toString(last) : spec.env().getOrDefault(m.group(2), "");
      m.appendReplacement(b, Matcher.quoteReplacement(value));
    }
    m.appendTail(b);
    return b.toString();
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

  private void err(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
  }

  private static Future<Integer> done(int code) {
    return Future.succeededFuture(code);
  }

  private static int number(String s) {
    try {
      return Integer.parseInt(s.trim()) & 0xff;
    } catch (NumberFormatException e) {
      return 2;
    }
  }
}
