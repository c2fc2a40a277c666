package io.dekube.kubelet.runtime;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * An exec whose program could not be started in the container (not a program that ran and failed): the kubelet
 * answers it as an internal error, in containerd's and runc's words, as {@code kubectl exec} shows them.
 */
public final class ExecStartException extends RuntimeException {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ExecStartException(String message) {
    super(message, null, false, false);
  }

  /**
   * {@code program} is not in the container: runc looks a bare name up in {@code $PATH} and stats a path,
   * containerd names the exec it failed to start.
   */
  public static ExecStartException notFound(String program) {
    byte[] id = new byte[32];
    RANDOM.nextBytes(id);
    String why = program.contains("/") ? "stat " + program + ": no such file or directory"
        : "executable file not found in $PATH";
    return new ExecStartException("error executing command in container: failed to exec in container: failed to "
        + "start exec \"" + HexFormat.of().formatHex(id) + "\": OCI runtime exec failed: exec failed: unable to "
        + "start container process: exec: \"" + program + "\": " + why + ": unknown");
  }
}
