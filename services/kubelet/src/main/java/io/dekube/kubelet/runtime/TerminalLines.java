package io.dekube.kubelet.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;

/**
 * The lines an exec session reads from its stdin: piped text split at its newlines, or what is typed on a raw
 * terminal with the line discipline a pseudo-terminal applies — each character echoed, backspace, Enter (echoed
 * as {@code \n}), arrow keys dropped — and Ctrl-C and Ctrl-D on an empty line handed to the session. Used by the
 * busybox shell's sessions and, through {@link LineInput}, by the images' clients.
 * Not thread-safe: its session holds its own lock.
 */
public final class TerminalLines {

  /** A control key typed on the terminal. */
  public enum Control { INTERRUPT, END_OF_INPUT }

  private final boolean tty;
  private final Consumer<String> echo;
  private final Consumer<Control> control;
  private final Deque<String> lines = new ArrayDeque<>();
  private final StringBuilder typed = new StringBuilder();
  private boolean escape;

  public TerminalLines(boolean tty, Consumer<String> echo, Consumer<Control> control) {
    this.tty = tty;
    this.echo = echo;
    this.control = control;
  }

  /** Takes what came on stdin. */
  public void feed(String text) {
    for (char ch : text.toCharArray()) {
      if (tty) {
        typed(ch);
      } else if (ch == '\n') {
        lines.add(typed.toString());
        typed.setLength(0);
      } else if (ch != '\r') {
        typed.append(ch);
      }
    }
  }

  /** Stdin closed: a last line without its newline is a line too. */
  public void close() {
    if (typed.length() > 0) {
      lines.add(typed.toString());
      typed.setLength(0);
    }
  }

  /** The next whole line, or null. */
  public String poll() {
    return lines.poll();
  }

  public boolean isEmpty() {
    return lines.isEmpty();
  }

  /** Drops what was typed and the lines not yet read (after Ctrl-C). */
  public void clear() {
    typed.setLength(0);
    lines.clear();
  }

  private void typed(char ch) {
    if (escape) {
      escape = ch == '[' || ch == 'O' || (ch >= '0' && ch <= '9') || ch == ';'; // arrow keys: dropped
      return;
    }
    switch (ch) {
      case '\r', '\n' -> {
        echo.accept("\n");
        lines.add(typed.toString());
        typed.setLength(0);
      }
      case 0x7f, 0x08 -> {
        if (typed.length() > 0) {
          typed.setLength(typed.length() - 1);
          echo.accept("\b \b");
        }
      }
      case 0x03 -> control.accept(Control.INTERRUPT);
      case 0x04 -> {
        if (typed.length() == 0) {
          control.accept(Control.END_OF_INPUT);
        }
      }
      case 0x1b -> escape = true;
      default -> {
        if (ch >= ' ' || ch == '\t') {
          typed.append(ch);
          echo.accept(String.valueOf(ch));
        }
      }
    }
  }
}
