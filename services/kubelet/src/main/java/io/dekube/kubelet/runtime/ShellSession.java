package io.dekube.kubelet.runtime;

import io.dekube.kubelet.runtime.sh.Pipe;
import io.dekube.kubelet.runtime.sh.Shell;
import io.dekube.kubelet.runtime.sh.Stdin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * A command of the built-in shell run in a {@code jvm} container ({@code kubectl exec}, or a busybox
 * container's own command). A bare {@code sh} reads command lines from stdin until {@code exit} or
 * end of input; {@code cat} without files copies stdin to stdout as it comes, and the other filters
 * without files ({@code grep x}, {@code wc -l}, {@code sort}…; {@link StdinFilters}) read it through a {@link Pipe},
 * as in a pipeline: {@code grep}, {@code sed}, {@code tr}… as it comes, {@code wc}, {@code sort} to its end; on a
 * TTY it shows its image shell's prompt ({@code / # }, {@code root@shell-demo:/# }), echoes what is typed (the terminal is raw on
 * kubectl's side), erases with backspace, stops the running command on Ctrl-C, ends on Ctrl-D, and
 * writes {@code \r\n} for newlines, as a pseudo-terminal does. Thread-safe: stdin may arrive on any
 * thread; the commands run one after the other.
 */
public final class ShellSession implements ExecSession {

  /** The prompt for the next line of a command not yet whole ({@code PS2}). */
  static final String MORE = "> ";

  private final BuiltinShell shell;
  private final ExecSession.Output out;
  private final boolean tty;
  private final Promise<Integer> exit = Promise.promise();
  private final TerminalLines lines;
  /** Lines of a command not yet whole (an open loop, quote or here-document). */
  private final StringBuilder partial = new StringBuilder();
  /** A {@code read} waiting for a line of stdin. */
  private Promise<String> reader;
  private boolean eof;
  private boolean reads;
  private boolean busy;
  /** All of stdin, for {@code tar -x} (kubectl cp to a pod), which reads its archive to its end; else null. */
  private Buffer collected;
  private Function<Buffer, Future<Integer>> whenCollected;
  /** {@code cat} without files: stdin goes to stdout as it comes, until it closes. */
  private boolean echoes;
  /** A filter's stdin as it comes ({@code grep x}), null for other commands. */
  private Pipe filterInput;
  private ExecSession.Output intoFilter;
  /** The bytes of a character whose last bytes have not come yet. */
  private Buffer undecoded = Buffer.buffer();

  private ShellSession(Vertx vertx, ContainerSpec spec, ExecSession.Output out, boolean tty, TrafficPolicy traffic) {
    this.out = tty ? terminal(out) : out;
    this.tty = tty;
    this.lines = new TerminalLines(tty, this::echo, this::control);
    this.shell = new BuiltinShell(vertx, spec, this.out, traffic);
    this.shell.terminal(tty);
    this.shell.stdin(typedLines);
  }

  /** The client's terminal size reaches the shell's programs ({@code ls} lays out its columns by it). */
  @Override
  public void resize(int columns, int rows) {
    if (tty && columns > 0) {
      shell.terminalWidth(columns);
    }
  }

  /** Stdin as lines, for {@code read} and for a filter on a TTY (typed, echoed, ended by Ctrl-D). */
  private final Stdin typedLines = new Stdin() {
    @Override
    public Future<String> readLine() {
      return nextLine();
    }

    @Override
    public String remaining() {
      return null;
    }
  };

  /** The next line of stdin for {@code read}: at once when there is one, else when it comes (null: end of input). */
  private Future<String> nextLine() {
    synchronized (this) {
      String line = lines.poll();
      if (line != null || eof) {
        return Future.succeededFuture(line);
      }
      reader = Promise.promise();
      return reader.future();
    }
  }

  /** Gives a waiting {@code read} its line; whether one waited. */
  private boolean serveReader() {
    Promise<String> r;
    String line;
    synchronized (this) {
      if (reader == null || (lines.isEmpty() && !eof)) {
        return reader != null;
      }
      r = reader;
      reader = null;
      line = lines.poll();
    }
    r.complete(line);
    return true;
  }

  /**
   * Starts {@code argv} in the container of {@code spec}: a bare {@code sh} (or {@code sh -i}) reads its
   * commands from stdin, anything else runs once. Output goes to {@code out} before the exit code.
   */
  public static ExecSession start(Vertx vertx, ContainerSpec spec, List<String> argv, ExecSession.Output out,
                                  boolean tty) {
    return start(vertx, spec, argv, out, tty, TrafficPolicy.OPEN);
  }

  /** As {@link #start(Vertx, ContainerSpec, List, ExecSession.Output, boolean)}, its clients under {@code traffic}. */
  public static ExecSession start(Vertx vertx, ContainerSpec spec, List<String> argv, ExecSession.Output out,
                                  boolean tty, TrafficPolicy traffic) {
    return start(vertx, spec, argv, out, tty, traffic, name -> null);
  }

  /** As above, with the image's own programs runnable by name from the shell ({@code sh -c 'nginx -s quit'}). */
  static ExecSession start(Vertx vertx, ContainerSpec spec, List<String> argv, ExecSession.Output out,
                           boolean tty, TrafficPolicy traffic,
                           java.util.function.Function<String, JvmContainer.ImageCommand> imageCommands) {
    ShellSession s = new ShellSession(vertx, spec, out, tty, traffic);
    s.shell.imageCommands(imageCommands);
    io.dekube.kubelet.runtime.awk.Awk.Command awk = StdinFilters.awk(argv); // parsed once, run as parsed
    if (interactive(argv)) {
      s.shell.program(argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1));
      s.reads = true;
      s.prompt();
    } else if (TarArgs.extracts(argv)) {
      s.collect(archive -> s.shell.tarExtract(argv, archive.getBytes()).recover(e -> {
        s.out.stderr(Buffer.buffer("tar: " + e.getMessage() + "\n"));
        return Future.succeededFuture(1);
      }));
    } else if (StdinFilters.echoes(argv)) {
      s.echoes = true;
    } else if ((awk != null ? awk.readsStdin() : StdinFilters.reads(argv)) || StreamFilters.streams(argv)) {
      s.filter(vertx, argv, awk);
    } else {
      Future<Integer> run;
      try {
        run = s.shell.command(argv, false);
      } catch (RuntimeException e) {
        s.out.stderr(Buffer.buffer(e.getMessage() + "\n"));
        run = Future.succeededFuture(1);
      }
      run.compose(code -> s.shell.traps("EXIT") ? s.shell.exitTrap() : Future.succeededFuture(code))
          .onComplete(ar -> s.exit.tryComplete(ar.succeeded() ? ar.result() : 1));
    }
    return s;
  }

  /**
   * Runs the filter {@code argv} ({@code awk}: as parsed) reading the session's stdin as it comes, as a pipeline's
   * stage does: through a pipe that the stdin fills, or on a TTY the lines typed.
   */
  private void filter(Vertx vertx, List<String> argv, io.dekube.kubelet.runtime.awk.Awk.Command awk) {
    Pipe pipe = tty ? null : new Pipe(vertx.getOrCreateContext());
    if (pipe != null) {
      synchronized (this) {
        filterInput = pipe;
        intoFilter = pipe.writer(out);
      }
    }
    Future<Integer> run;
    try {
      Stdin in = pipe != null ? pipe : typedLines;
      run = awk != null ? shell.awk(awk, in) : shell.command(argv, in);
    } catch (RuntimeException e) {
      out.stderr(Buffer.buffer(e.getMessage() + "\n"));
      run = Future.succeededFuture(1);
    }
    run.onComplete(ar -> {
      if (pipe != null) {
        pipe.endReader();
      }
      exit.tryComplete(ar.succeeded() ? ar.result() : 1);
    });
  }

  private void collect(Function<Buffer, Future<Integer>> command) {
    collected = Buffer.buffer();
    whenCollected = command;
  }

  /** Whether {@code argv} is a shell that reads its commands from stdin. */
  static boolean interactive(List<String> argv) {
    if (argv.isEmpty()) {
      return false;
    }
    String name = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    return io.dekube.kubelet.runtime.sh.Shebang.SHELLS.contains(name)
        && argv.subList(1, argv.size()).stream().allMatch(a -> a.equals("-i") || a.equals("-l") || a.equals("-s"));
  }

  @Override
  public void stdin(Buffer data) {
    synchronized (this) {
      if (collected != null) {
        collected.appendBuffer(data);
        return;
      }
      if (intoFilter != null) {
        intoFilter.stdout(wholeCharacters(data));
        return;
      }
      if (echoes) {
        if (!exit.future().isComplete()) {
          out.stdout(data);
        }
        return;
      }
    }
    String text = data.toString(StandardCharsets.UTF_8);
    synchronized (this) {
      if (exit.future().isComplete()) {
        return;
      }
      lines.feed(text);
    }
    pump();
  }

  /** {@code data} after the bytes held back, up to its last whole UTF-8 character; the rest is held back. */
  private Buffer wholeCharacters(Buffer data) {
    Buffer all = undecoded.length() == 0 ? data : undecoded.appendBuffer(data);
    int end = all.length();
    int back = 0;
    // a character's first byte is 0xxxxxxx or 11xxxxxx; 10xxxxxx follow it
    while (back < 3 && back < end && (all.getByte(end - 1 - back) & 0xC0) == 0x80) {
      back++;
    }
    if (back < end) {
      int lead = all.getByte(end - 1 - back) & 0xFF;
      int size = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
      end = size > back + 1 ? end - 1 - back : end;
    }
    undecoded = all.getBuffer(end, all.length());
    return all.getBuffer(0, end);
  }

  /** Ctrl-C ends the command that runs, or drops the line typed; Ctrl-D on an empty line ends the input. */
  private void control(TerminalLines.Control key) {
    if (key == TerminalLines.Control.END_OF_INPUT) {
      eof = true;
      return;
    }
    echo("^C\n");
    lines.clear();
    partial.setLength(0);
    if (busy || !reads) {
      shell.interrupt(); // the command that runs (a session's own: kubectl exec -it POD -- CMD) ends
    } else {
      out.stdout(Buffer.buffer(shell.prompt()));
    }
  }

  private void echo(String s) {
    out.stdout(Buffer.buffer(s));
  }

  @Override
  public void closeStdin() {
    Buffer input;
    synchronized (this) {
      if (filterInput != null) {
        if (undecoded.length() > 0) {
          intoFilter.stdout(undecoded);
          undecoded = Buffer.buffer();
        }
        filterInput.endWriter();
        return;
      }
      input = collected;
      collected = null;
      if (echoes) {
        exit.tryComplete(0);
        return;
      }
    }
    if (input != null) {
      whenCollected.apply(input).onComplete(ar -> exit.tryComplete(ar.succeeded() ? ar.result() : 1));
      return;
    }
    synchronized (this) {
      lines.close();
      eof = true;
    }
    pump();
  }

  /** Runs the next line read, once the one before it ended; at end of input the shell exits. */
  private void pump() {
    if (serveReader()) {
      return;
    }
    String line;
    synchronized (this) {
      if (!reads || busy || exit.future().isComplete()) {
        return;
      }
      String next = lines.poll();
      if (next == null) {
        if (eof) {
          String rest = partial.toString();
          partial.setLength(0);
          if (rest.isEmpty()) {
            shell.exitTrap().onComplete(ar -> exit.tryComplete(ar.succeeded() ? ar.result() : shell.last()));
            return;
          }
          next = rest;
        } else {
          return;
        }
      } else {
        partial.append(next).append('\n');
        if (!Shell.complete(partial.toString())) {
          if (tty) {
            out.stdout(Buffer.buffer(MORE));
          }
          busy = false;
          next = null;
        } else {
          next = partial.toString();
          partial.setLength(0);
        }
      }
      if (next == null) {
        line = null;
      } else {
        line = next;
        busy = true;
      }
    }
    if (line == null) {
      pump();
      return;
    }
    Future<Integer> run;
    try {
      run = shell.script(line);
    } catch (RuntimeException e) {
      out.stderr(Buffer.buffer("sh: " + e.getMessage() + "\n"));
      run = Future.succeededFuture(1);
    }
    run.onComplete(ar -> {
      synchronized (this) {
        busy = false;
      }
      if (shell.exited()) {
        shell.exitTrap().onComplete(t -> exit.tryComplete(ar.succeeded() ? ar.result() : 1));
        return;
      }
      prompt();
      pump();
    });
  }

  private void prompt() {
    if (tty) {
      out.stdout(Buffer.buffer(shell.prompt()));
    }
  }

  @Override
  public Future<Integer> exitCode() {
    return exit.future();
  }

  @Override
  public void kill() {
    exit.tryComplete(137);
    shell.interrupt();
  }

  /** Whether the shell has set a {@code trap … TERM}: only then does it handle SIGTERM. */
  public boolean trapsTerm() {
    return shell.traps("TERM");
  }

  /**
   * SIGTERM to the shell (the container's stop): with a {@code trap … TERM} the command waiting ends and the trap
   * runs; the session ends when the shell exits, or is killed (137) when {@code grace} runs out. Without a trap it
   * ends at once with 143, as a process that SIGTERM kills.
   */
  public Future<Integer> terminate(Vertx vertx, java.time.Duration grace) {
    if (!shell.traps("TERM") || grace.isZero() || exit.future().isComplete()) {
      exit.tryComplete(143);
      shell.interrupt();
      return exit.future();
    }
    shell.deliver("TERM");
    long timer = vertx.setTimer(Math.max(1, grace.toMillis()), t -> kill());
    return exit.future().andThen(ar -> vertx.cancelTimer(timer));
  }

  /** Output as a terminal shows it: {@code \n} becomes {@code \r\n}, stderr joins stdout. */
  static ExecSession.Output terminal(ExecSession.Output out) {
    return new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        out.stdout(crlf(data));
      }

      @Override
      public void stderr(Buffer data) {
        out.stdout(crlf(data));
      }
    };
  }

  static Buffer crlf(Buffer data) {
    String s = data.toString(StandardCharsets.UTF_8);
    return Buffer.buffer(s.replaceAll("(?<!\r)\n", "\r\n"));
  }
}
