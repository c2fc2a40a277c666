package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A container of the {@code jvm} runtime: a built-in program running inside the kubelet's JVM.
 * The program registers what stopping it means ({@link #onStop}) and may end itself ({@link #exit}).
 * Thread-safe.
 */
public final class JvmContainer implements RunningContainer {

  private final Vertx vertx;
  private final ContainerSpec spec;
  private final ContainerLog log;
  private final String imageId;
  private final TrafficPolicy traffic;
  private final Promise<Integer> exited = Promise.promise();
  private final List<Supplier<Future<Void>>> stops = new ArrayList<>();
  private final List<ExecSession.Output> attached = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile ExecSession stdin;
  private volatile int sigtermExit = 143;
  private volatile boolean sigtermHandler = true;
  private volatile java.util.function.BooleanSupplier termHandled = () -> true;
  private volatile java.util.function.Function<Duration, Future<Integer>> term;
  private final java.util.Map<String, ImageCommand> commands = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.concurrent.atomic.AtomicLong cpuNanos = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong heldBytes = new java.util.concurrent.atomic.AtomicLong();
  private volatile String exitReason;
  private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

  JvmContainer(Vertx vertx, ContainerSpec spec, String imageId, TrafficPolicy traffic) {
    this.vertx = vertx;
    this.spec = spec;
    this.imageId = imageId;
    this.traffic = traffic;
    this.log = new ContainerLog(spec.logFile());
    commands.put("kill", new KillCommand(this));
  }

  public Vertx vertx() {
    return vertx;
  }

  public ContainerSpec spec() {
    return spec;
  }

  public ContainerLog log() {
    return log;
  }

  @Override
  public java.util.concurrent.CompletableFuture<Void> reopenLog() {
    return log.reopen();
  }

  /**
   * The bytes of the regular file at {@code path} of this container's root file system ({@link ContainerFs}: its
   * image's files, its writable layer, its mounts), or null when there is none there. Read on a worker thread.
   */
  public Future<byte[]> file(String path) {
    return vertx.executeBlocking(() -> {
      ContainerFs fs = ContainerFs.of(spec, BuiltinShell.APPLETS);
      ContainerFs.Entry e = fs.stat(path);
      return e == null || e.dir() ? null : fs.read(path);
    }, false);
  }

  /** Whether there is a folder at {@code path} of this container's root file system. Read on a worker thread. */
  public Future<Boolean> isFolder(String path) {
    return vertx.executeBlocking(() -> {
      ContainerFs.Entry e = ContainerFs.of(spec, BuiltinShell.APPLETS).stat(path);
      return e != null && e.dir();
    }, false);
  }

  /**
   * The names in the folder at {@code path} of this container's root file system, sorted; empty when there is no
   * folder there. Read on a worker thread.
   */
  public Future<List<String>> folder(String path) {
    return vertx.executeBlocking(() -> {
      ContainerFs fs = ContainerFs.of(spec, BuiltinShell.APPLETS);
      ContainerFs.Entry e = fs.stat(path);
      return e == null || !e.dir() ? List.<String>of() : fs.list(path);
    }, false);
  }

  /**
   * The node folder behind the container's folder {@code path}, made where missing (see
   * {@code ContainerFs.nodeFolder}): where a program that writes with the JDK keeps the container's files. Made on a
   * worker thread.
   */
  public Future<java.nio.file.Path> nodeFolder(String path) {
    return vertx.executeBlocking(() -> ContainerFs.of(spec, BuiltinShell.APPLETS).nodeFolder(path), false);
  }

  /**
   * Resolves {@code name} as the pod's resolver does — {@code /etc/hosts}, then the cluster DNS along the pod's
   * search path — to its first address ({@code localhost} is the pod IP, as the pod's loopback is). Fails when the
   * name has no address. Non-blocking.
   */
  public Future<String> resolve(String name) {
    ExecSession.Output quiet = new ExecSession.Output() {
      @Override
      public void stdout(io.vertx.core.buffer.Buffer data) {
      }

      @Override
      public void stderr(io.vertx.core.buffer.Buffer data) {
      }
    };
    PodNet net = new PodNet(vertx, spec, quiet, (work, stop) -> work, traffic);
    return net.resolve(name, net.dnsServer(), net.dnsPort()).map(r -> net.loopbackToPod(r.addresses().get(0)));
  }

  /** The address the container's own clients connect from: the pod IP (on loopback pod networks), else null. */
  public String clientAddress() {
    return new PodNet(vertx, spec, null, null, traffic).localAddress();
  }

  /** What the cluster's NetworkPolicies let in to this container's servers and out of its clients. */
  public TrafficPolicy traffic() {
    return traffic;
  }

  /**
   * Wraps a handler of this container's program: the CPU time of the calling thread while the handler
   * runs is counted as the container's (see {@link #usage}). Thread-safe.
   */
  public <T> io.vertx.core.Handler<T> measured(io.vertx.core.Handler<T> handler) {
    return event -> {
      long before = THREADS.getCurrentThreadCpuTime();
      try {
        handler.handle(event);
      } finally {
        countSince(before);
      }
    };
  }

  /**
   * Runs a CPU-heavy piece of the container's program ({@code hpa-example}'s loop) on a worker thread, never an
   * event loop; that thread's CPU time while it runs is counted as the container's (see {@link #usage}).
   */
  public <T> Future<T> measuredWork(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(() -> {
      long before = THREADS.getCurrentThreadCpuTime();
      try {
        return work.call();
      } finally {
        countSince(before);
      }
    }, false);
  }

  private void countSince(long before) {
    long after = THREADS.getCurrentThreadCpuTime();
    if (before >= 0 && after >= before) {
      cpuNanos.addAndGet(after - before);
    }
  }

  /**
   * CPU: the thread CPU time its program's handlers took (the container owns no thread: its
   * handlers run on the kubelet's event loops, its heavy work on worker threads, {@link #measuredWork}; what
   * Vert.x and Netty do around them — parsing, writing to sockets — is not counted). Memory: what its program holds
   * ({@link #hold}: a stress image's arrays); other objects live in the kubelet's shared heap and cannot be told
   * apart, so most programs show 0.
   */
  @Override
  public ResourceUsage usage() {
    return new ResourceUsage(cpuNanos.get(), heldBytes.get());
  }

  /**
   * The program now holds {@code bytes} more of memory it allocated and wrote (not merely reserved): counted as the
   * container's working set. Returns false when that takes the container past its memory limit: its program must
   * then let the bytes go and end with {@link #oomKilled}, as the kernel's OOM killer ends a process. Thread-safe.
   */
  public boolean hold(long bytes) {
    long now = heldBytes.addAndGet(bytes);
    long limit = memoryLimitBytes();
    return limit <= 0 || now <= limit;
  }

  /** The program let {@code bytes} go. Thread-safe. */
  public void release(long bytes) {
    heldBytes.addAndGet(-bytes);
  }

  /** The container ends as the OOM killer ends it: exit code 137 (SIGKILL), reason {@code OOMKilled}. */
  public void oomKilled() {
    exitReason = "OOMKilled";
    exit(137);
  }

  @Override
  public String exitReason() {
    return exitReason;
  }

  /** The container's memory limit in bytes ({@code resources.limits.memory}), 0 without one. */
  public long memoryLimitBytes() {
    return limit("memory", 1);
  }

  /** The container's CPU limit in millicores ({@code resources.limits.cpu}), 0 without one. */
  public long cpuLimitMillis() {
    return limit("cpu", 1000);
  }

  private long limit(String resource, int scale) {
    var r = spec.container().getResources();
    var q = r == null || r.getLimits() == null ? null : r.getLimits().get(resource);
    return q == null ? 0 : q.getNumericalAmount().multiply(java.math.BigDecimal.valueOf(scale)).longValue();
  }

  /**
   * The exit code this program ends with when stopped: a program that handles SIGTERM and exits with a code of its
   * own (agnhost's {@code pause}: 2) says so; others end with 143, as a process killed by the signal.
   */
  public void exitOnSigterm(int code) {
    sigtermExit = code;
  }

  /**
   * The program installs no handler for SIGTERM (busybox's applets, node, perl, a C program that never calls
   * {@code sigaction}): as its container's PID 1 the kernel drops the signal, so a stop leaves it running until it
   * ends by itself or the grace period runs out and the runtime's SIGKILL ends it with 137 (reason {@code Error}), as
   * a {@code kubectl delete pod} of such a pod takes its whole grace period on kube. A program that is not PID 1 (the
   * pod shares its process namespace: {@code /pause} is) is killed by the signal's default action, 143.
   */
  public void noSigtermHandler() {
    sigtermHandler = false;
  }

  /**
   * Whether the container's main process is PID 1 of its process namespace (not in a pod that shares one, nor an
   * ephemeral container in its target's): the kernel then drops the signals its program has no handler for.
   */
  private boolean isPidOne() {
    return ProcessTable.mainPid(spec) == 1;
  }

  /** Whether the program has a SIGTERM handler now. */
  private boolean handlesTerm() {
    return term != null ? termHandled.getAsBoolean() : sigtermHandler;
  }

  /**
   * A signal sent to the container's main process from inside its process namespace ({@code kill 1} in an exec):
   * TERM, INT, QUIT and HUP stop it as its program handles them; PID 1 gets only the signals its program handles
   * (the kernel protects a namespace's init from its own members, SIGKILL included), any other process the default
   * actions (TERM: 143, KILL: 137). Other signals have no effect on the built-in programs.
   */
  void signalFromInside(String signal) {
    boolean init = isPidOne();
    switch (signal) {
      case "KILL" -> {
        if (!init) {
          exit(137);
        }
      }
      case "TERM", "INT", "QUIT", "HUP" -> {
        if (handlesTerm() || !init) {
          stop(Duration.ofSeconds(30));
        }
      }
      default -> {
        // the built-in programs have no handler that ends them
      }
    }
  }

  /** Registers what stopping this container releases (a server, a timer). */
  public synchronized void onStop(Supplier<Future<Void>> stop) {
    stops.add(stop);
  }

  /**
   * The program ended with {@code code}: releases everything, then reports the exit once its log's writer has put
   * every line on disk and closed the file (on the context of the caller).
   */
  public void exit(int code) {
    List<Supplier<Future<Void>>> todo;
    synchronized (this) {
      todo = new ArrayList<>(stops);
      stops.clear();
    }
    io.vertx.core.Context context = vertx.getOrCreateContext();
    Future.join(todo.stream().map(s -> s.get().recover(e -> Future.succeededFuture())).toList())
        .compose(released -> Future.fromCompletionStage(log.close(), context))
        .onComplete(ar -> exited.tryComplete(code));
  }

  @Override
  public String containerId() {
    return "jvm://" + spec.id();
  }

  @Override
  public String imageId() {
    return imageId;
  }

  @Override
  public Future<Integer> exited() {
    return exited.future();
  }

  /**
   * Registers what SIGTERM does to the program (a shell's {@code trap … TERM}): it gets the grace period and
   * completes with the exit code. Without one the program ends on SIGTERM with {@link #exitOnSigterm}'s code.
   */
  public void onTerm(java.util.function.Function<Duration, Future<Integer>> handler) {
    onTerm(handler, () -> true);
  }

  /**
   * As {@link #onTerm(java.util.function.Function)} for a program whose handler comes and goes ({@code handled}:
   * whether it has one now, as a shell has a {@code trap … TERM} only once it ran it).
   */
  public void onTerm(java.util.function.Function<Duration, Future<Integer>> handler,
                     java.util.function.BooleanSupplier handled) {
    this.termHandled = handled;
    this.term = handler;
  }

  /**
   * Stops the program as containerd's StopContainer does: SIGTERM, then SIGKILL (137) once {@code grace} runs out
   * ({@code 0}: SIGKILL at once). The signal reaches the program as the kernel delivers it: to its handler
   * ({@link #onTerm}, {@link #exitOnSigterm}), else — PID 1 without a handler — nowhere, else its default action
   * (143); see {@link #noSigtermHandler}.
   */
  @Override
  public Future<Integer> stop(Duration grace) {
    java.util.function.Function<Duration, Future<Integer>> t = term;
    if (grace.isZero()) {
      exit(137);
      return exited.future();
    }
    boolean handled = handlesTerm();
    if (!handled && isPidOne()) {
      long timer = vertx.setTimer(Math.max(1, grace.toMillis()), x -> exit(137));
      exited.future().onComplete(ar -> vertx.cancelTimer(timer));
      return exited.future();
    }
    if (!handled) {
      exit(143); // 128 + SIGTERM, as a process killed by it
      return exited.future();
    }
    if (t == null) {
      exit(sigtermExit);
      return exited.future();
    }
    t.apply(grace).onComplete(ar -> exit(ar.succeeded() ? ar.result() : sigtermExit));
    return exited.future();
  }

  @Override
  public ExecSession exec(List<String> command, ExecSession.Output output) {
    return exec(command, output, false);
  }

  @Override
  public ExecSession exec(List<String> command, ExecSession.Output output, boolean tty) {
    if (io.dekube.kubelet.images.BuiltInImages.shellLess(spec.image())) {
      return ExecSession.ending(Future.failedFuture(ExecStartException.notFound(command.get(0))));
    }
    String first = command.isEmpty() ? "" : command.get(0).substring(command.get(0).lastIndexOf('/') + 1);
    ImageCommand own = commands.get(first);
    return own != null ? own.start(command, output, tty) : ShellSession.start(vertx, spec, command, output, tty,
        traffic, commands::get);
  }

  /**
   * A program of the container's image that {@code kubectl exec} (and exec probes and hooks) run by its name, with
   * or without a path, instead of the shell's applets ({@code redis-cli} of the redis image, {@code nginx -s quit});
   * the shell of an exec finds it too ({@code sh -c 'nginx -s quit'}).
   */
  public interface ImageCommand {
    /** Starts {@code argv} with its output to {@code output}; on a TTY it owns the terminal's line discipline. */
    ExecSession start(List<String> argv, ExecSession.Output output, boolean tty);
  }

  /**
   * Starts {@code argv} in the runtime's shell as the container's program, the image's own programs
   * ({@link #command}) runnable by name from its scripts ({@code bash -c '... ncat ... | xbstream -x ...'}).
   */
  public ExecSession shellWithImageCommands(List<String> argv, ExecSession.Output output, boolean tty) {
    return ShellSession.start(vertx, spec, argv, output, tty, traffic, commands::get);
  }

  /**
   * Registers {@code name} as a program of the image that is the file {@code path}: it runs while the file is there,
   * and once it is moved or removed ({@code kubectl exec mysql-2 -c mysql -- mv /usr/bin/mysql /usr/bin/mysql.off},
   * the replicated-MySQL page's broken readiness probe) its start fails as a missing executable's.
   */
  public void command(String name, String path, ImageCommand command) {
    commands.put(name, (argv, output, tty) -> new DeferredExecSession(vertx.executeBlocking(() -> {
      ContainerFs.Entry e = ContainerFs.of(spec, BuiltinShell.APPLETS).stat(path);
      return e != null && !e.dir();
    }, false).compose(there -> there ? Future.succeededFuture(command.start(argv, output, tty))
        : Future.failedFuture(ExecStartException.notFound(argv.get(0))))));
  }

  /** Registers {@code name} as a program of this container's image (see {@link ImageCommand}). */
  public void command(String name, ImageCommand command) {
    commands.put(name, command);
  }

  /** The container's own stdout and stderr as an {@link ExecSession.Output}: see {@link #output}. */
  public ExecSession.Output outputs() {
    return new ExecSession.Output() {
      @Override
      public void stdout(io.vertx.core.buffer.Buffer data) {
        output("stdout", data);
      }

      @Override
      public void stderr(io.vertx.core.buffer.Buffer data) {
        output("stderr", data);
      }
    };
  }

  /** Output of the container's program: into its log and to the clients attached to it. */
  public void output(String stream, io.vertx.core.buffer.Buffer data) {
    log.append(stream, data.getBytes());
    for (ExecSession.Output o : attached) {
      if (stream.equals("stderr")) {
        o.stderr(data);
      } else {
        o.stdout(data);
      }
    }
  }

  @Override
  public boolean attachable() {
    return stdin != null;
  }

  /** The program reads its stdin through {@code session} (only programs that read one register it). */
  public void stdin(ExecSession session) {
    this.stdin = session;
  }

  /**
   * Runs {@code session} (an image's client: {@code redis-cli}, {@code mysql}, {@code mongosh}) as this container's
   * own program: it reads what {@code kubectl run -i} or {@code attach} sends when the container has
   * {@code stdin: true} (else its stdin is closed), it is killed when the container stops, and its exit is the
   * container's.
   */
  public Future<Void> runAsProgram(ExecSession session) {
    stdin(session);
    if (!Boolean.TRUE.equals(spec.container().getStdin())) {
      session.closeStdin();
    }
    onStop(() -> {
      session.kill();
      return Future.succeededFuture();
    });
    session.exitCode().onComplete(ar -> exit(ar.succeeded() ? ar.result() : 1));
    return Future.succeededFuture();
  }

  /**
   * Attaches to a program that reads stdin: data reach it when the container has {@code stdin: true};
   * with {@code stdinOnce} its stdin closes when the client closes it or goes. Other programs: null.
   */
  @Override
  public ExecSession attach(ExecSession.Output output) {
    ExecSession in = stdin;
    if (in == null) {
      return null;
    }
    attached.add(output);
    boolean open = Boolean.TRUE.equals(spec.container().getStdin());
    boolean once = Boolean.TRUE.equals(spec.container().getStdinOnce());
    return new ExecSession() {
      @Override
      public void stdin(io.vertx.core.buffer.Buffer data) {
        if (open) {
          in.stdin(data);
        }
      }

      @Override
      public void closeStdin() {
        if (once) {
          in.closeStdin();
        }
      }

      @Override
      public Future<Integer> exitCode() {
        return exited.future();
      }

      @Override
      public void resize(int columns, int rows) {
        in.resize(columns, rows);
      }

      @Override
      public void kill() {
        attached.remove(output);
        if (once) {
          in.closeStdin();
        }
      }
    };
  }
}
