package io.dekube.kubelet.runtime.awk;

import java.io.IOException;

/**
 * What awk reaches outside its program: files for {@code getline < FILE}, the operands and {@code print > FILE},
 * and the container's shell for {@code "CMD" | getline}, {@code print | "CMD"} and {@code system(CMD)}. Blocking: awk calls it from the thread it runs on, which
 * is never an event loop.
 */
public interface AwkIo {

  /** What a command printed on stdout, and its exit code. */
  record Ran(String out, int code) {
  }

  /** The text of file {@code path} (relative to the working folder); fails with why it cannot be read. */
  String read(String path) throws IOException;

  /** Writes {@code text} to file {@code path} (made, or emptied without {@code append}); fails with why it cannot. */
  void write(String path, String text, boolean append) throws IOException;

  /** Runs {@code command} through the container's shell ({@code sh -c}) reading {@code stdin} (null: none); its stderr goes to awk's. */
  Ran run(String command, String stdin);

  /** No files and no commands: what a pure run (a test, a filter fed by a pipe) offers. */
  AwkIo NONE = new AwkIo() {
    @Override
    public String read(String path) throws IOException {
      throw new IOException("No such file or directory");
    }

    @Override
    public void write(String path, String text, boolean append) throws IOException {
      throw new IOException("Read-only file system");
    }

    @Override
    public Ran run(String command, String stdin) {
      return new Ran("", 127);
    }
  };
}
