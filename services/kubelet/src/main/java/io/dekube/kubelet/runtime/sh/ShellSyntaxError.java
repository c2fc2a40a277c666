package io.dekube.kubelet.runtime.sh;

/**
 * A script that does not parse, with ash's words ({@code syntax error: unexpected "done"}); {@link #incomplete}
 * when more input could complete it (an open quote, a loop without {@code done}), which a shell reading lines
 * waits for.
 */
public final class ShellSyntaxError extends RuntimeException {

  private final boolean incomplete;

  ShellSyntaxError(String message, boolean incomplete) {
    super("syntax error: " + message);
    this.incomplete = incomplete;
  }

  /** Whether more lines could make the script whole. */
  public boolean incomplete() {
    return incomplete;
  }
}
