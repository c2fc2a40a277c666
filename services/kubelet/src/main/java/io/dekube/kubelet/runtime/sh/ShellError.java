package io.dekube.kubelet.runtime.sh;

/**
 * An error of expansion ({@code arithmetic syntax error}, {@code x: parameter not set}): ash prints
 * {@code sh: MESSAGE} and the script stops with status 2 (a shell reading lines goes on with the next).
 */
final class ShellError extends RuntimeException {

  ShellError(String message) {
    super(message);
  }
}
