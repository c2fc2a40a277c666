package io.dekube.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real {@code kubectl} binary on the PATH, pointed at one kubeconfig. */
final class Kubectl {

  /** How long one kubectl command may run before the test fails (and the process tree is killed). */
  private static final long RUN_TIMEOUT_SECONDS = 120;

  /** What one kubectl run printed. */
  record Result(int exit, String out, String err) {
    Result ok() {
      if (exit != 0) {
        throw new AssertionError("exited " + exit + "\nstdout: " + out + "\nstderr: " + err);
      }
      return this;
    }
  }

  private final Path kubeconfig;

  Kubectl(Path kubeconfig) {
    this.kubeconfig = kubeconfig;
  }

  /** Fails with a clear message when kubectl is not installed (.ci/run installs it). */
  static void requireOnPath() throws Exception {
    Process p;
    try {
      p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    } catch (IOException e) {
      throw new AssertionError("kubectl is not on the PATH; .ci/run installs it (apt-get install kubectl)", e);
    }
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      destroyTree(p);
      throw new AssertionError("kubectl version --client did not finish in 60 s");
    }
  }

  /**
   * Runs one kubectl command to its end. Its output goes to files, not pipes, so neither a full pipe
   * nor a kubectl that never ends can block the test: after {@value #RUN_TIMEOUT_SECONDS} s the
   * process tree is killed and the test fails with what kubectl printed so far.
   */
  Result run(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    return runBounded(new ProcessBuilder(cmd), RUN_TIMEOUT_SECONDS);
  }

  /** Runs one kubectl command to its end with {@code input} piped to its stdin (then closed). */
  Result runWithInput(String input, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    Path in = Files.createTempFile("cmd-in", ".txt");
    try {
      Files.writeString(in, input);
      return runBounded(new ProcessBuilder(cmd).redirectInput(in.toFile()), RUN_TIMEOUT_SECONDS);
    } finally {
      Files.deleteIfExists(in);
    }
  }

  /**
   * Runs a command to its end with stdin closed (unless the builder reads a file). Its output goes to files, not pipes, so neither a
   * full pipe nor a command that never ends can block the test: after {@code timeoutSeconds} the
   * process tree is killed and the test fails with what the command printed so far.
   */
  static Result runBounded(ProcessBuilder pb, long timeoutSeconds) throws Exception {
    Path out = Files.createTempFile("cmd-out", ".txt");
    Path err = Files.createTempFile("cmd-err", ".txt");
    try {
      if (pb.redirectInput().file() == null) {
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      }
      Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        destroyTree(p);
        throw new AssertionError(String.join(" ", pb.command()) + " did not finish in " + timeoutSeconds
            + " s\nstdout: " + Files.readString(out) + "\nstderr: " + Files.readString(err));
      }
      return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Starts a long-running kubectl (e.g. {@code get -w}); the caller reads it and ends it with {@link #destroyTree}. */
  Process start(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  /**
   * Kills a process and everything it started: a kubectl on the PATH may be a dispatcher that runs the
   * versioned binary as its child, which would otherwise outlive it and keep the output pipe open.
   */
  static void destroyTree(Process p) throws InterruptedException {
    List<ProcessHandle> children = p.descendants().toList();
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    p.waitFor(10, TimeUnit.SECONDS);
  }
}
