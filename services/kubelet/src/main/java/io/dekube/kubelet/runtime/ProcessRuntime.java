package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code process} runtime: a container's {@code command} + {@code args} run as an OS process
 * with the container's environment (nothing inherited from the kubelet), in its working folder (the
 * container's folder {@code <pod folder>/<container>/root}, emptied at each start as a new layer would be, unless
 * {@code workingDir} names a host folder); relative paths start there;
 * stdout and stderr go to the container log (rotated). Refused unless the node allows host
 * commands. Stop = SIGTERM, SIGKILL after the grace period. Blocking calls run on worker threads.
 */
public final class ProcessRuntime implements ContainerRuntime {

  private final Vertx vertx;
  private final boolean allowed;

  public ProcessRuntime(Vertx vertx, boolean allowed) {
    this.vertx = vertx;
    this.allowed = allowed;
  }

  @Override
  public String name() {
    return "process";
  }

  @Override
  public Future<RunningContainer> start(ContainerSpec spec) {
    if (!allowed) {
      return Future.failedFuture(new ContainerStartException("CreateContainerError", "host commands are not "
          + "allowed on this node: the process runtime runs containers only when the node runs with "
          + "--allow-host-commands"));
    }
    List<String> argv = new ArrayList<>();
    if (spec.container().getCommand() != null) {
      argv.addAll(spec.container().getCommand());
    }
    if (spec.container().getArgs() != null) {
      argv.addAll(spec.container().getArgs());
    }
    if (argv.isEmpty()) {
      return Future.failedFuture(new ContainerStartException("CreateContainerError", "the process runtime needs a "
          + "command: container " + spec.container().getName() + " has no command or args"));
    }
    return vertx.executeBlocking(() -> launch(spec, argv, spec.env()), false)
        .recover(e -> Future.failedFuture(e instanceof ContainerStartException ? e
            : new ContainerStartException("RunContainerError", "cannot run " + argv.get(0) + ": " + e.getMessage())));
  }

  private RunningContainer launch(ContainerSpec spec, List<String> argv, java.util.Map<String, String> env)
      throws IOException {
    NodeFiles.freshLayer(spec.rootDir()); // a restarted container starts in an empty folder, as from a new layer
    TerminationMessage.prepare(spec); // at $DEKUBE_ROOT<terminationMessagePath> where mounts are relative
    Files.createDirectories(spec.workDir());
    java.util.Map<String, String> fullEnv = new java.util.LinkedHashMap<>(env);
    List<String> cmd = argv;
    boolean namespaced = !spec.mounts().isEmpty() && HostMounts.mode() == HostMounts.Mode.NAMESPACE;
    if (namespaced) {
      cmd = HostMounts.namespaced(argv, spec.mounts(), spec.container().getVolumeMounts());
    } else if (HostMounts.mode() == HostMounts.Mode.RELATIVE) {
      HostMounts.linkRelative(spec.rootDir(), spec.mounts());
      fullEnv.put(HostMounts.ROOT_ENV, spec.rootDir().toString());
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(spec.workDir().toFile());
    pb.environment().clear();
    pb.environment().putAll(fullEnv);
    Process p = pb.start();
    ContainerLog log = new ContainerLog(spec.logFile());
    Promise<Integer> exited = Promise.promise();
    Thread out = pump(p.getInputStream(), b -> log.append("stdout", b), spec.id() + "-out");
    Thread err = pump(p.getErrorStream(), b -> log.append("stderr", b), spec.id() + "-err");
    p.onExit().thenAccept(done -> {
      try {
        out.join(2000);
        err.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      log.close().whenComplete((closed, failure) -> exited.tryComplete(done.exitValue()));
    });
    return new OsProcess(vertx, spec, p, exited, namespaced, fullEnv, new java.util.concurrent.atomic.AtomicLong(), log);
  }

  @Override
  public String mountNotice(ContainerSpec spec) {
    if (spec.mounts().isEmpty() || HostMounts.mode() != HostMounts.Mode.RELATIVE) {
      return null;
    }
    String first = spec.mounts().keySet().iterator().next();
    return "this node cannot bind-mount volumes for host processes (it needs root and mount namespaces): absolute "
        + "mountPaths are relative to the container's folder $" + HostMounts.ROOT_ENV + " (" + spec.rootDir()
        + "), e.g. " + first + " is at $" + HostMounts.ROOT_ENV + first;
  }

  /** Copies a process's output to {@code sink} on a daemon thread until it ends. */
  static Thread pump(InputStream in, java.util.function.Consumer<byte[]> sink, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) > 0) {
          sink.accept(java.util.Arrays.copyOf(buf, n));
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "container-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private record OsProcess(Vertx vertx, ContainerSpec spec, Process process, Promise<Integer> exit, boolean namespaced,
                           java.util.Map<String, String> env, java.util.concurrent.atomic.AtomicLong cpuHigh,
                           ContainerLog log)
      implements RunningContainer {

    /**
     * The process and what it started, from /proc; the CPU figure never goes back (a child that ended
     * unwaited takes its time with it), as a cgroup's counter.
     */
    @Override
    public ResourceUsage usage() {
      ResourceUsage now = ProcStats.ofTree(process.toHandle());
      return new ResourceUsage(cpuHigh.accumulateAndGet(now.cpuNanos(), Math::max), now.workingSetBytes());
    }

    @Override
    public String containerId() {
      return "process://" + process.pid();
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> reopenLog() {
      return log.reopen();
    }

    @Override
    public String imageId() {
      return spec.image();
    }

    @Override
    public Future<Integer> exited() {
      return exit.future();
    }

    @Override
    public Future<Integer> stop(Duration grace) {
      // the container stops as a whole: what its process started dies with it (as in a pod's PID
      // namespace), else a shell's `sleep` keeps the log pipes open and the stop waits 2 s for each
      List<ProcessHandle> started = process.descendants().toList();
      process.onExit().thenRunAsync(() -> started.forEach(ProcessHandle::destroyForcibly));
      process.destroy();
      long t = vertx.setTimer(Math.max(1, grace.toMillis()), x -> process.destroyForcibly());
      return exit.future().onComplete(ar -> vertx.cancelTimer(t));
    }

    @Override
    public ExecSession exec(List<String> command, ExecSession.Output output) {
      try {
        List<String> cmd = namespaced ? HostMounts.enter(process.pid(), command) : command;
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(spec.workDir().toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        Thread o = pump(p.getInputStream(), b -> output.stdout(Buffer.buffer(b)), spec.id() + "-exec-out");
        Thread e = pump(p.getErrorStream(), b -> output.stderr(Buffer.buffer(b)), spec.id() + "-exec-err");
        Promise<Integer> code = Promise.promise();
        p.onExit().thenAccept(done -> {
          try {
            o.join(2000);
            e.join(2000);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
          }
          code.tryComplete(done.exitValue());
        });
        OutputStream stdin = p.getOutputStream();
        return new ExecSession() {
          @Override
          public void stdin(Buffer data) {
            try {
              stdin.write(data.getBytes());
              stdin.flush();
            } catch (IOException ignored) {
              // the command closed its stdin
            }
          }

          @Override
          public void closeStdin() {
            try {
              stdin.close();
            } catch (IOException ignored) {
              // closed
            }
          }

          @Override
          public Future<Integer> exitCode() {
            return code.future();
          }

          @Override
          public void kill() {
            p.destroy();
            try {
              p.waitFor(1, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
            }
          }
        };
      } catch (IOException e) {
        output.stderr(Buffer.buffer("exec: \"" + command.get(0) + "\": " + e.getMessage() + "\n"));
        return ExecSession.finished(127);
      }
    }
  }
}
