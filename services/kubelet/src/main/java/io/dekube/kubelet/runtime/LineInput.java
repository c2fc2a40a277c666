package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.Charset;
import java.util.function.Consumer;

/**
 * The stdin of a client that answers one line at a time — redis-cli, zkCli.sh, mongosh, mysql: its lines
 * ({@link TerminalLines}, so a terminal gets echo, backspace, Ctrl-C and Ctrl-D), whether a line is being answered
 * (held: no next line until {@link #release()}; held from the start until the client is connected), and whether
 * input ended. Every method locks the client ({@code owner}), the lock the client keeps its own state under, so the
 * control keys' handler runs under it as before.
 */
public final class LineInput {

  private final Object owner;
  private final Charset charset;
  private final TerminalLines lines;
  private boolean held = true;
  private boolean ended;

  /**
   * A client's input; {@code echo} shows what is typed on a terminal, Ctrl-D on an empty line ends the input, and
   * {@code interrupt} is told of Ctrl-C (with the lock held).
   */
  public LineInput(Object owner, boolean tty, Charset charset, Consumer<String> echo, Runnable interrupt) {
    this.owner = owner;
    this.charset = charset;
    this.lines = new TerminalLines(tty, echo, key -> {
      if (key == TerminalLines.Control.END_OF_INPUT) {
        ended = true;
      } else {
        interrupt.run();
      }
    });
  }

  /** What came on stdin. */
  public void feed(Buffer data) {
    synchronized (owner) {
      lines.feed(data.toString(charset));
    }
  }

  /** Stdin closed: a last line without its newline is a line too, and input ends after it. */
  public void close() {
    synchronized (owner) {
      lines.close();
      ended = true;
    }
  }

  /** Input ends after the lines already read (Ctrl-D, or a client that stops reading). */
  public void end() {
    synchronized (owner) {
      ended = true;
    }
  }

  /** Drops what was typed and the lines not yet read (Ctrl-C). */
  public void clear() {
    synchronized (owner) {
      lines.clear();
    }
  }

  /** No next line until {@link #release()}. */
  public void hold() {
    synchronized (owner) {
      held = true;
    }
  }

  /** The line being answered is done (or the client is ready for its first). */
  public void release() {
    synchronized (owner) {
      held = false;
    }
  }

  public boolean held() {
    synchronized (owner) {
      return held;
    }
  }

  /** The next line to answer, which holds the input until {@link #release()}; null when held or none is there. */
  public String take() {
    synchronized (owner) {
      String line = held ? null : lines.poll();
      if (line != null) {
        held = true;
      }
      return line;
    }
  }

  /** The next line whether held or not, holding nothing (a password read before the client connects), or null. */
  public String poll() {
    synchronized (owner) {
      return lines.poll();
    }
  }

  /** True when input ended and every line was taken, and none is being answered. */
  public boolean done() {
    synchronized (owner) {
      return ended && !held && lines.isEmpty();
    }
  }

  /** True when input ended (the lines already read may still be waiting). */
  public boolean ended() {
    synchronized (owner) {
      return ended;
    }
  }
}
