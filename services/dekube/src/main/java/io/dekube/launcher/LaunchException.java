package io.dekube.launcher;

/**
 * A start that cannot go on for a reason its message says in full (the apiserver's PKI never came,
 * a needed flag is missing): printed as one line, without a stack trace.
 */
final class LaunchException extends RuntimeException {

  LaunchException(String message) {
    super(message);
  }
}
