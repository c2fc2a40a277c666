package io.dekube.apiserver;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real kubectl, run with a kubeconfig, its own HOME and cache under {@code work} and no
 * {@code KUBECONFIG} from the environment; 90 s at most a call.
 */
record Kubectl(Path binary, Path work) {

  record Result(int exit, String out, String err) {
  }

  /** Runs kubectl and fails the test unless it exits 0. */
  Result ok(Path kubeconfig, String... args) throws Exception {
    Result r = run(kubeconfig, args);
    if (r.exit() != 0) {
      fail("kubectl " + String.join(" ", args) + " exited " + r.exit() + ": " + r.err());
    }
    return r;
  }

  Result run(Path kubeconfig, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "--kubeconfig", kubeconfig.toString(),
        "--cache-dir", work.resolve("cache").toString()));
    command.addAll(List.of(args));
    return exec(work, command);
  }

  /**
   * Runs {@code command} (kubectl or another program) with its HOME under {@code work}, no {@code KUBECONFIG} from the
   * environment and no stdin (it must never wait for a prompt); fails the test after 90 s. The one runner of the
   * module's kubectl tests.
   */
  static Result exec(Path work, List<String> command) throws Exception {
    Files.createDirectories(work.resolve("home"));
    Path out = Files.createTempFile(work, "out", ".txt");
    Path err = Files.createTempFile(work, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("KUBECONFIG");
    pb.environment().put("HOME", work.resolve("home").toString());
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in 90s");
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
