package io.dekube.kubelet.runtime;

import io.dekube.kubelet.images.BuiltInImages;
import io.dekube.kubelet.runtime.awk.Awk;
import io.dekube.kubelet.runtime.sh.Host;
import io.dekube.kubelet.runtime.sh.Io;
import io.dekube.kubelet.runtime.sh.Shebang;
import io.dekube.kubelet.runtime.sh.Shell;
import io.dekube.kubelet.runtime.sh.ShellArgs;
import io.dekube.kubelet.runtime.sh.Signals;
import io.dekube.kubelet.runtime.sh.Stdin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The commands of a {@code jvm} container, as busybox offers them: {@code env}, {@code printenv},
 * {@code hostname}, {@code echo}, {@code pwd}, {@code cd}, {@code date}, {@code id}, {@code whoami}, {@code uname},
 * {@code ps}, {@code true}, {@code false}, {@code exit N}, {@code sleep N}, the network commands of {@link PodNet}
 * ({@code wget}, {@code nslookup}, {@code nc -z}, {@code ping}), {@code curl} ({@link Curl}),
 * {@code dig} ({@link Dig}), the file applets of {@link FileCommands},
 * {@link FileListings} and {@link TarFiles} over the container's own file system ({@link ContainerFs}), the filters
 * of {@link TextFilters} ({@code grep}, {@code head}…, {@code tail -f} by {@link TailFollow}), and the shell
 * language of {@link io.dekube.kubelet.runtime.sh.Shell} ({@code sh -c}) over them, for which this is the
 * {@link Host}. They see the container's environment, its files and the pod's network; nothing of the host.
 * Commands complete a {@link Future}; file work runs on a worker thread, waits on timers and network clients.
 * {@link ShellSession} reads scripts from stdin. One instance runs one command (the shell's, or an applet's
 * with its own output, input, folder and environment); they share the container's shell and {@link Signals}.
 */
final class BuiltinShell implements Host {

  /** The commands offered (busybox's applets of those names), as {@code /bin} lists them. */
  static final List<String> APPLETS = Stream.of(List.of("sh", "env", "printenv", "hostname", "echo",
          "pwd", "cd", "date", "id", "whoami", "uname", "true", "false", "exit", "sleep", "wget", "curl", "nslookup",
          "dig", "nc", "ps", "tar", "printf", "ip", "chroot", "sysctl"), FileCommands.NAMES, FileListings.NAMES, TextFilters.NAMES,
          ScriptApplets.NAMES,
          StreamFilters.NAMES)
      .flatMap(List::stream).filter(n -> !n.startsWith("[")).distinct().sorted().toList();
  private static final String OFFERED = String.join(", ", APPLETS);

  private final Vertx vertx;
  private final ContainerSpec spec;
  private final ExecSession.Output out;
  /** The container's file system as the shell sees it: from its root, or from a {@code chroot}'s new one. */
  private final java.util.concurrent.atomic.AtomicReference<ContainerFs> root;
  private final TrafficPolicy traffic;
  private final Signals signals;
  /** The container's shell: its variables, functions and traps live on from line to line. */
  private final Shell shell;
  /** What the command reads on stdin: a pipe, a file's text, a here-document… */
  private Stdin in = Stdin.NONE;
  /** All of its stdin, once read for a filter that needs the end of it ({@code sort}, {@code wc}); else null. */
  private String input;
  /** What the shell reads lines from ({@code read}): the session's stdin. */
  private Stdin stdin = Stdin.NONE;
  /** The working folder: the container's workingDir at first. */
  private final String cwd;
  /** The command's environment. */
  private final Map<String, String> env;
  /** The programs of the container's image that run by name beside the applets ({@code nginx -s quit}). */
  private java.util.function.Function<String, JvmContainer.ImageCommand> imageCommands = name -> null;
  /** Whether the session runs on a terminal ({@code kubectl exec -t}, an attach to a {@code tty} container). */
  private boolean terminal;
  /** The session's output: a command's stdout is the terminal when it is this one (not a pipe, a file…). */
  private final ExecSession.Output sessionOut;
  /** The terminal's width, as programs see it: the client's (kubectl's resize channel), else the classic 80. */
  private final java.util.concurrent.atomic.AtomicInteger terminalWidth;

  BuiltinShell(Vertx vertx, ContainerSpec spec, ExecSession.Output out, TrafficPolicy traffic) {
    this.vertx = vertx;
    this.spec = spec;
    this.out = out;
    this.sessionOut = out;
    this.terminalWidth = new java.util.concurrent.atomic.AtomicInteger(80);
    this.root = new java.util.concurrent.atomic.AtomicReference<>(ContainerFs.of(spec, APPLETS));
    this.traffic = traffic;
    this.signals = new Signals();
    String wd = spec.container().getWorkingDir();
    this.cwd = wd == null || wd.isBlank() ? "/" : ContainerFs.normalize("/", wd);
    this.env = containerEnv(spec.env());
    BuiltInImages.env(spec.image()).forEach(env::putIfAbsent); // the image's ENV, under the pod's own
    env.putIfAbsent("HOME", fs().user().uid() == 0 ? "/root" : "/"); // as the container runtime sets it
    this.shell = new Shell(this, signals, env, cwd);
    shell.pid(ProcessTable.mainPid(spec));
  }

  /**
   * The environment the container's processes see: the spec's without the kubelet's {@code DEKUBE_*} settings for
   * the runtime (the pod's resolver: {@code DEKUBE_DNS_*}), which a real pod's {@code env} would not list.
   */
  static java.util.Map<String, String> containerEnv(java.util.Map<String, String> spec) {
    java.util.Map<String, String> visible = new java.util.LinkedHashMap<>(spec);
    visible.keySet().removeIf(k -> k.startsWith("DEKUBE_"));
    return visible;
  }

  /** One applet's run: {@code io}'s output, input, folder and environment. */
  private BuiltinShell(BuiltinShell container, Io io) {
    this.vertx = container.vertx;
    this.spec = container.spec;
    this.out = io.out();
    this.root = container.root;
    this.traffic = container.traffic;
    this.signals = container.signals;
    this.shell = container.shell;
    this.in = io.stdin();
    this.cwd = io.cwd();
    this.env = io.env();
    this.imageCommands = container.imageCommands;
    this.terminal = container.terminal;
    this.sessionOut = container.sessionOut;
    this.terminalWidth = container.terminalWidth;
  }

  /** The session's terminal is now {@code columns} wide. */
  void terminalWidth(int columns) {
    terminalWidth.set(columns);
  }

  /**
   * Whether the command's stdout is the session's terminal. A decision: any redirection of the command, even of
   * its stderr only, counts as one of its stdout.
   */
  private boolean stdoutIsTerminal() {
    return terminal && out == sessionOut;
  }

  /** Tells the shell its session runs on a terminal, as {@code ps} shows it. */
  void terminal(boolean onTerminal) {
    this.terminal = onTerminal;
  }

  private ContainerFs fs() {
    return root.get();
  }

  /** Hands {@code from} to {@code program}'s stdin as it comes, then its end; stops when the program ends. */
  private static void feed(Stdin from, ExecSession program) {
    if (from == Stdin.NONE || program.exitCode().isComplete()) {
      program.closeStdin();
      return;
    }
    from.read().onComplete(ar -> {
      if (ar.failed() || ar.result() == null || program.exitCode().isComplete()) {
        program.closeStdin();
      } else {
        program.stdin(Buffer.buffer(ar.result()));
        feed(from, program);
      }
    });
  }

  /** Lets the shell run the image's own programs ({@link JvmContainer#command}) by their names. */
  void imageCommands(java.util.function.Function<String, JvmContainer.ImageCommand> lookup) {
    this.imageCommands = lookup;
  }

  /** Runs {@code command}; the output goes to {@code out} before the session completes. */
  static ExecSession run(Vertx vertx, ContainerSpec spec, List<String> command, ExecSession.Output out) {
    return ShellSession.start(vertx, spec, command, out, false, TrafficPolicy.OPEN);
  }

  /** The container's shell is program {@code name} ({@code sh}, {@code bash}): a session's interactive shell. */
  void program(String name) {
    shell.program(name);
  }

  /**
   * The prompt of the interactive shell as its image's shell shows it: busybox's PS1 of the folder and the sign
   * ({@code / # }, {@code /tmp # }), Debian's and Ubuntu's bash user@host:folder and the sign
   * ({@code root@shell-demo:/# }), their dash the sign alone; {@code $} for a user other than root, the home folder
   * shown as {@code ~}.
   */
  String prompt() {
    ProcessUser user = fs().user();
    boolean root = user.uid() == 0;
    String sign = root ? "# " : "$ ";
    String cwd = shell.cwd();
    String home = root ? "/root" : "/home/" + user.name();
    String shown = cwd.equals(home) ? "~" : cwd.startsWith(home + "/") ? "~" + cwd.substring(home.length()) : cwd;
    if (!shIsDash()) {
      return shown + " " + sign;
    }
    if (!shell.program().equals("bash")) {
      return sign;
    }
    String name = user.users().containsKey(user.uid()) ? user.name() : "I have no name!";
    String host = hostname();
    return name + "@" + (host.contains(".") ? host.substring(0, host.indexOf('.')) : host) + ":" + shown + sign.trim()
        + " ";
  }

  /** Whether {@code exit} ran: the shell ends. */
  boolean exited() {
    return shell.exited();
  }

  /** The exit code of the last command ({@code $?}). */
  int last() {
    return shell.last();
  }

  /** The session's stdin, which {@code read} takes lines from. */
  void stdin(Stdin in) {
    this.stdin = in;
  }

  /** Stops the command that runs (Ctrl-C, the client went): it ends, the script stops. */
  void interrupt() {
    signals.interrupt();
  }

  /** Whether the shell has a trap for {@code signal}. */
  boolean traps(String signal) {
    return shell.traps(signal);
  }

  /** Delivers {@code signal}: the command waiting ends, the shell runs its trap. */
  void deliver(String signal) {
    signals.deliver(signal);
  }

  /** Runs the shell's {@code EXIT} trap, if any, as it ends; its exit status. */
  Future<Integer> exitTrap() {
    return shell.exit(io());
  }

  /** Runs command lines read by the shell (whole commands: see {@link Shell#complete}). */
  Future<Integer> script(String script) {
    return shell.lines(script, io());
  }

  private Io io() {
    return new Io(out, stdin, cwd, env);
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public Future<Integer> applet(List<String> argv, Io io) {
    return new BuiltinShell(this, io).command(argv, true);
  }

  @Override
  public boolean shIsDash() {
    return BuiltInImages.shIsDash(spec.image());
  }

  @Override
  public Future<String> read(String dir, String path) {
    return blocking(() -> new String(fs().read(ContainerFs.normalize(dir, path)), StandardCharsets.UTF_8))
        .recover(e -> Future.failedFuture(new IOException("can't open " + path + ": no such file")));
  }

  @Override
  public Future<Void> write(String dir, String path, byte[] data, boolean append) {
    return blocking(() -> {
      fs().write(ContainerFs.normalize(dir, path), data, append);
      return (Void) null;
    }).recover(e -> {
      String reason = e instanceof IOException io ? FileCommands.reason(io) : String.valueOf(e.getMessage());
      return Future.failedFuture(new IOException("can't create " + path + ": "
          + (reason.equals(ContainerFs.NO_ENTRY) ? "nonexistent directory" : reason)));
    });
  }

  @Override
  public Future<List<String>> names(String dir, String path) {
    return blocking(() -> {
      String p = ContainerFs.normalize(dir, path);
      ContainerFs.Entry e = fs().stat(p);
      return e == null || !e.dir() ? List.<String>of() : fs().list(p);
    }).recover(e -> Future.succeededFuture(List.of()));
  }

  @Override
  public Future<String> directory(String dir, String path) {
    return blocking(() -> {
      String p = ContainerFs.normalize(dir, path);
      ContainerFs.Entry e = fs().stat(p);
      if (e == null || !e.dir()) {
        throw new ContainerFs.FsError(e == null ? ContainerFs.NO_ENTRY : ContainerFs.NOT_DIR);
      }
      return p;
    }).recover(e -> Future.failedFuture(new IOException(e instanceof IOException io ? FileCommands.reason(io)
        : String.valueOf(e.getMessage()))));
  }

  /**
   * Runs {@code awk} (its command line parsed) reading {@code stdin} as its input: a session's own command, fed as
   * its stdin comes.
   */
  Future<Integer> awk(Awk.Command awk, Stdin stdin) {
    in = stdin;
    return awkParsed(awk);
  }

  /**
   * Runs one command reading {@code stdin} as its input: a filter that is a session's own command, fed as its
   * stdin comes ({@code kubectl exec -i POD -- grep x}).
   */
  Future<Integer> command(List<String> argv, Stdin stdin) {
    in = stdin;
    return command(argv, false);
  }

  /**
   * Runs one command (argv); {@code inShell}: an unknown one gets sh's message, else (the session's own command,
   * exec'd) runc's, and {@code sh -c SCRIPT} runs in the container's shell.
   */
  Future<Integer> command(List<String> argv, boolean inShell) {
    if (argv.isEmpty()) {
      return Future.succeededFuture(0);
    }
    String cmd = argv.get(0);
    String name = cmd.substring(cmd.lastIndexOf('/') + 1);
    List<String> args = argv.subList(1, argv.size());
    JvmContainer.ImageCommand own = imageCommands.apply(name);
    if (own != null) {
      ExecSession program = own.start(argv, out, false);
      feed(in, program); // what the command reads: a pipe (ncat ... | xbstream -x), a file, none
      return program.exitCode().recover(e -> e instanceof ExecStartException ? done(notFound(cmd, inShell))
          : Future.failedFuture(e));
    }
    if (name.equals("awk")) {
      return awk(args);
    }
    if (StreamFilters.streams(argv)) {
      return streaming(name, args);
    }
    if (input == null && StdinFilters.reads(argv)) {
      return in.readAll().compose(all -> {
        input = all;
        return command(argv, inShell);
      });
    }
    if (cmd.contains("/") && !APPLETS.contains(name) && !Shebang.SHELLS.contains(name)) {
      return script(cmd, args, inShell); // a path to a shell (/bin/bash -c ...) is that shell
    }
    PodNet net = new PodNet(vertx, spec, out, this::whileRunning, traffic);
    return switch (name) {
      case "sleep" -> sleep(args);
      case "wget" -> net.wget(args);
      case "curl" -> new Curl(vertx, spec, out, net, cwd).run(args);
      case "dig" -> new Dig(vertx, spec, out, net).run(args);
      case "nslookup" -> net.nslookup(args);
      case "nc" -> net.nc(args);
      case "ping", "ping6" -> new Ping(vertx, out, net).run(args);
      case "traceroute" -> done(net.ping(name));
      case "sh", "bash", "ash" -> shell.as(name, () -> shell(args));
      case "chroot" -> chroot(args, inShell);
      case "cd", "exit" -> shell(List.of("-c", String.join(" ", argv)));
      case "tar" -> blocking(() -> tar(args));
      case "sysctl" -> blocking(() -> emit(new SysctlApplet(fs()).run(args)));
      case "id", "whoami", "ps" -> blocking(() -> identity(name, args));
      case "apt-get", "apt" -> shIsDash() ? blocking(() -> aptGet(name, args)) : done(notFound(cmd, inShell));
      case "tail" -> TailFollow.follows(args) ? new TailFollow(vertx, fs(), cwd, out, this::whileRunning).run(args)
          : blocking(() -> files(name, args));
      default -> FileCommands.NAMES.contains(name) || FileListings.NAMES.contains(name)
          || TextFilters.NAMES.contains(name) || ScriptApplets.NAMES.contains(name) ? blocking(() -> files(name, args))
          : done(simple(name, cmd, args, inShell));
    };
  }

  private int simple(String name, String cmd, List<String> args, boolean inShell) {
    return switch (name) {
      case "env", "printenv" -> env(args);
      case "hostname" -> hostnameCommand(args);
      case "ip" -> emit(IpCommand.run(args, spec.podIp()));
      case "echo" -> write(Printing.echo(args));
      case "printf" -> Printing.printf(args, out);
      case "pwd" -> print(cwd);
      case "date" -> print(DateFormat.format(args, ZonedDateTime.now(ZoneOffset.UTC)));
      case "uname" -> print(args.contains("-a") ? "Linux " + hostname() + " dekube-jvm " + System.getProperty("os.arch")
          + " GNU/Linux" : "Linux");
      case "true", ":" -> 0;
      case "false" -> 1;
      default -> notFound(cmd, inShell);
    };
  }

  /** Debian's and Ubuntu's package tool over the built-in commands (worker thread). */
  private int aptGet(String name, List<String> args) {
    return emit(AptGet.run(name, args, fs(), spec.image(),
        ProcessUser.of(spec, etc("/etc/passwd"), etc("/etc/group")).uid()));
  }

  /** Writes what a pure applet made; its exit code. */
  private int emit(AppletResult r) {
    out.stdout(Buffer.buffer(r.out()));
    if (!r.err().isEmpty()) {
      out.stderr(Buffer.buffer(r.err()));
    }
    return r.code();
  }

  /** {@code id}, {@code whoami}, {@code ps}: as the user the securityContext makes the container's processes (worker thread). */
  private int identity(String name, List<String> args) {
    ProcessUser user = ProcessUser.of(spec, etc("/etc/passwd"), etc("/etc/group"));
    return switch (name) {
      case "id" -> print(user.id());
      case "whoami" -> {
        if (user.users().containsKey(user.uid())) {
          yield print(user.name());
        }
        err("whoami: unknown uid " + user.uid());
        yield 1;
      }
      default -> {
        List<ProcessTable.Process> ps = ProcessTable.of(spec, String.join(" ", args), terminal,
            ProcessTable.spawn(spec));
        yield write(shIsDash() // Debian's and Ubuntu's ps is procps's, not busybox's
            ? ProcessTable.renderProcps(ps, user, args, LocalTime.now()) : ProcessTable.render(ps, user));
      }
    };
  }

  /** The text of one of the container's files, or null when it cannot be read. */
  private String etc(String path) {
    try {
      return new String(fs().read(path), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** An applet of {@link FileCommands}, {@link FileListings} or {@link TextFilters} (on a worker thread). */
  private int files(String name, List<String> args) {
    return FileListings.NAMES.contains(name)
        ? new FileListings(fs(), cwd, out, stdoutIsTerminal() ? terminalWidth.get() : 0, shIsDash()).run(name, args)
        : ScriptApplets.NAMES.contains(name) ? new ScriptApplets(out).run(name, args)
        : new FileCommands(fs(), cwd, out).run(name, args, input);
  }

  /** A script run by its path ({@code command: [/scripts/run.sh]}): the shell its {@code #!} line names runs it. */
  private Future<Integer> script(String path, List<String> args, boolean inShell) {
    return read(cwd, path).transform(ar -> {
      List<String> sh = ar.succeeded() ? Shebang.shell(ar.result()) : null;
      if (sh == null) {
        return done(notFound(path, inShell));
      }
      List<String> shArgs = new ArrayList<>(sh.subList(1, sh.size()));
      shArgs.add(path);
      shArgs.addAll(args);
      return shell.as(sh.get(0), () -> shell(shArgs));
    });
  }

  /**
   * awk, its program parsed once: a filter of its stdin as it flows when it reads no file nor command, else
   * {@link AwkApplet} on a worker thread, over its operands or all of its stdin.
   */
  private Future<Integer> awk(List<String> args) {
    Awk.Command awk;
    try {
      awk = Awk.command(args);
    } catch (Awk.BadUsage e) {
      err(e.getMessage());
      return done(e.code);
    }
    return awkParsed(awk);
  }

  /** awk, its program parsed: streaming, over all of its stdin, or over its operands. */
  private Future<Integer> awkParsed(Awk.Command awk) {
    if (input == null && awk.streams()) {
      return streaming(filter -> filter.lines(LineFilters.awk(awk.session(), out)));
    }
    if (input == null && awk.readsStdin()) {
      return in.readAll().compose(all -> {
        input = all;
        return awk(awk);
      });
    }
    return awk(awk);
  }

  private Future<Integer> awk(Awk.Command awk) {
    AwkApplet applet = new AwkApplet(fs(), shell, vertx.getOrCreateContext(), io());
    return blocking(() -> applet.run(awk, input));
  }

  /** An applet of {@link StreamFilters}, reading its stdin as it flows; an interrupt ends it. */
  private Future<Integer> streaming(String name, List<String> args) {
    return streaming(filter -> filter.run(name, args));
  }

  private Future<Integer> streaming(java.util.function.Function<StreamFilters, Future<Integer>> run) {
    StreamFilters filter = new StreamFilters(vertx, fs(), cwd, out, in);
    Promise<Integer> done = Promise.promise();
    run.apply(filter).onComplete(ar -> done.tryComplete(ar.succeeded() ? ar.result() : 1));
    return whileRunning(done.future(), () -> {
      filter.stop();
      done.tryComplete(130);
    });
  }

  /** {@code tar c[v]f - PATH...}; extracting reads stdin, which {@link ShellSession} collects for it. */
  private int tar(List<String> args) {
    TarArgs t = TarArgs.parse(args);
    if (!t.create()) {
      err("tar: " + (t.extract() ? "no archive on stdin" : "need one of -c or -x"));
      return 1;
    }
    return new TarFiles(fs(), t.dir() == null ? cwd : ContainerFs.normalize(cwd, t.dir()), out).create(t.paths());
  }

  /** {@code tar -xf - -C DIR} with its archive (all of stdin). */
  Future<Integer> tarExtract(List<String> args, byte[] archive) {
    String dir = TarArgs.parse(args.subList(1, args.size())).dir();
    return blocking(() -> new TarFiles(fs(), cwd, out).extract(archive, dir == null ? cwd : dir));
  }

  /** Runs file work on a worker thread (the shell waits for it; its output is thread-safe). */
  private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /**
   * {@code chroot NEWROOT [COMMAND [ARG]...]}: the command with {@code NEWROOT} as its root — paths, {@code ..} and
   * links' absolute targets start there —, as "Debug Running Pods"' {@code chroot /host} in a node's debugging pod
   * reaches the node's files. Without a command the user's shell starts there: the session's shell reads on in the
   * new root (a shell in a shell, as {@code sh} alone is), its folder {@code /}; a command runs in it and the root is
   * given back when it ends. Only root may (CAP_SYS_CHROOT, which containerd's default set holds). Errors in
   * coreutils' words (exit 125) in Debian's and Ubuntu's images, busybox's (exit 1) in the others.
   */
  private Future<Integer> chroot(List<String> args, boolean inShell) {
    int failed = shIsDash() ? 125 : 1;
    if (args.isEmpty()) {
      err(shIsDash() ? "chroot: missing operand\nTry 'chroot --help' for more information."
          : "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: chroot NEWROOT [PROG ARGS]");
      return done(failed);
    }
    String dir = args.get(0);
    String cannot = shIsDash() ? "chroot: cannot change root directory to '" + dir + "': "
        : "chroot: can't change root directory to '" + dir + "': ";
    if (fs().user().uid() != 0) {
      err(cannot + "Operation not permitted");
      return done(failed);
    }
    ContainerFs before = fs();
    return blocking(() -> before.chroot(ContainerFs.normalize(cwd, dir))).compose(inside -> {
      root.set(inside);
      if (args.size() == 1) {
        return shell(List.of("-c", "cd /"));
      }
      return command(args.subList(1, args.size()), inShell).andThen(ar -> root.compareAndSet(inside, before));
    }, e -> {
      err(cannot + (e instanceof IOException io ? FileCommands.reason(io) : String.valueOf(e.getMessage())));
      return done(failed);
    });
  }

  private int notFound(String cmd, boolean inShell) {
    if (inShell) {
      err(shell.program().equals("bash") ? "bash: " + cmd + ": command not found" : "sh: " + cmd + ": not found");
    } else {
      err("exec: \"" + cmd + "\": executable file not found in $PATH (dekube's jvm containers offer " + OFFERED
          + ")");
    }
    return 127;
  }

  /**
   * {@code hostname [-s|-f|-d|-i]}: the pod's hostname; its FQDN and domain as busybox finds them, the first name of
   * the hostname's line in {@code /etc/hosts} ({@code zk-0.zk-hs.default.svc.cluster.local} for a pod with a
   * subdomain); its short name; the pod IP.
   */
  private int hostnameCommand(List<String> args) {
    String host = hostname();
    String fqdn = host;
    for (String line : PodNet.hosts(spec).split("\n")) {
      List<String> f = List.of(line.strip().split("\\s+"));
      if (f.size() >= 2 && !f.get(0).startsWith("#") && f.subList(1, f.size()).contains(host)) {
        fqdn = f.get(1);
        break;
      }
    }
    int dot = fqdn.indexOf('.');
    if (args.contains("-d")) {
      return dot < 0 ? 0 : print(fqdn.substring(dot + 1));
    }
    return print(args.contains("-i") ? spec.podIp() : args.contains("-f") ? fqdn
        : args.contains("-s") ? host.split("\\.")[0] : host);
  }

  private String hostname() {
    return env.getOrDefault("HOSTNAME", spec.env().getOrDefault("HOSTNAME", spec.podName()));
  }

  /** Runs {@code work} as the command that an interrupt stops: {@code stop} ends it early. */
  private <T> Future<T> whileRunning(Future<T> work, Runnable stop) {
    signals.running(stop);
    return work.andThen(ar -> signals.done(stop));
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

  /**
   * {@code sh [-eux…] -c SCRIPT [NAME [ARG…]]} (the container's shell, its options set), {@code sh FILE}; a bare
   * {@code sh} reads on.
   */
  private Future<Integer> shell(List<String> args) {
    ShellArgs parsed;
    try {
      parsed = ShellArgs.parse(args, true);
    } catch (ShellArgs.Illegal e) {
      err("sh: " + e.getMessage());
      return Future.succeededFuture(2);
    }
    List<String> rest = parsed.operands();
    if (rest.isEmpty() && !parsed.command()) {
      return Future.succeededFuture(0); // a shell in a shell: the outer one reads on
    }
    if (!parsed.command()) {
      return read(cwd, rest.get(0)).compose(text -> shell.command(text, rest.get(0), rest.subList(1, rest.size()),
          parsed.options(), io())).recover(e -> {
            err("sh: can't open '" + rest.get(0) + "': No such file or directory");
            return Future.succeededFuture(2);
          });
    }
    if (rest.isEmpty()) {
      err("sh: -c requires an argument");
      return Future.succeededFuture(2);
    }
    return shell.command(rest.get(0), rest.size() > 1 ? rest.get(1) : "sh",
        rest.size() > 2 ? rest.subList(2, rest.size()) : List.of(), parsed.options(), io());
  }

  /** {@code env}, {@code printenv [NAME…]}: the values of those set; 1 when one is not. */
  private int env(List<String> args) {
    if (!args.isEmpty()) {
      int code = 0;
      for (String name : args) {
        String v = env.get(name);
        code = v == null ? 1 : code + print(v);
      }
      return code;
    }
    StringBuilder b = new StringBuilder();
    env.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    out.stdout(Buffer.buffer(b.toString()));
    return 0;
  }

  private int write(String text) {
    out.stdout(Buffer.buffer(text));
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
}
