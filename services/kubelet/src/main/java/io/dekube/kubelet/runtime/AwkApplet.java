package io.dekube.kubelet.runtime;

import io.dekube.kubelet.runtime.awk.Awk;
import io.dekube.kubelet.runtime.awk.AwkIo;
import io.dekube.kubelet.runtime.sh.Io;
import io.dekube.kubelet.runtime.sh.Shell;
import io.dekube.kubelet.runtime.sh.Stdin;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * busybox's awk in a {@code jvm} container, for a program that reads or writes files or runs commands
 * ({@code getline}, {@code system}, {@code print > FILE}, {@code print | CMD}) or takes file operands: its operands (or
 * all of its stdin) and files in the container's file system, its commands run by the container's shell as new
 * {@code sh -c} processes would be ({@link Shell#process}, on the shell's context), its output printed after each
 * record. Runs on a worker thread (it waits for files and commands); {@link AwkIo} for the awk package.
 */
final class AwkApplet implements AwkIo {

  private final ContainerFs fs;
  private final Shell shell;
  private final Context context;
  private final Io io;

  /** An awk of a container whose {@code shell} runs on {@code context}, with {@code io}'s output, folder and environment. */
  AwkApplet(ContainerFs fs, Shell shell, Context context, Io io) {
    this.fs = fs;
    this.shell = shell;
    this.context = context;
    this.io = io;
  }

  /** Runs {@code awk} over its operands, else {@code stdin} (all of it); its exit code. Blocking: a worker thread. */
  int run(Awk.Command awk, String stdin) {
    Awk.Session s = awk.session(this, stdin);
    while (s.next()) {
      flush(s);
    }
    int code = s.end();
    flush(s);
    return code;
  }

  private void flush(Awk.Session s) {
    String out = s.takeOut();
    if (!out.isEmpty()) {
      io.out().stdout(Buffer.buffer(out));
    }
    String err = s.takeErr();
    if (!err.isEmpty()) {
      io.out().stderr(Buffer.buffer(err));
    }
  }

  @Override
  public String read(String path) throws IOException {
    try {
      return new String(fs.read(ContainerFs.normalize(io.cwd(), path)), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(FileCommands.reason(e), e);
    }
  }

  @Override
  public void write(String path, String text, boolean append) throws IOException {
    try {
      fs.write(ContainerFs.normalize(io.cwd(), path), text.getBytes(StandardCharsets.UTF_8), append);
    } catch (IOException e) {
      throw new IOException(FileCommands.reason(e), e);
    }
  }

  @Override
  public Ran run(String command, String stdin) {
    StringBuffer printed = new StringBuffer();
    ExecSession.Output captured = new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        printed.append(data.toString(StandardCharsets.UTF_8));
      }

      @Override
      public void stderr(Buffer data) {
        io.out().stderr(data);
      }
    };
    CompletableFuture<Integer> done = new CompletableFuture<>();
    Io commandIo = new Io(captured, stdin == null ? Stdin.NONE : Stdin.text(stdin), io.cwd(), io.env());
    context.runOnContext(v -> shell.process(command, commandIo).onComplete(ar -> {
      if (ar.succeeded()) {
        done.complete(ar.result());
      } else {
        done.completeExceptionally(ar.cause());
      }
    }));
    try {
      int code = done.get(); // before what it printed is taken
      return new Ran(printed.toString(), code);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Ran(printed.toString(), 130);
    } catch (ExecutionException e) {
      return new Ran(printed.toString(), 1);
    }
  }
}
