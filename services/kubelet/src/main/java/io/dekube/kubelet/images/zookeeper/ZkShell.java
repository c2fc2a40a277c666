package io.dekube.kubelet.images.zookeeper;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.LineInput;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooKeeper;

/**
 * {@code zkCli.sh} without a command ({@code kubectl exec -it zk-0 -- zkCli.sh}): 3.4's shell — {@code Welcome to
 * ZooKeeper!}, the prompt {@code [zk: localhost:2181(CONNECTED) 0] } counting the commands, one command a line
 * (words or quoted strings) on the same client, {@code quit} ({@code Quitting...}), Ctrl-D or the end of stdin ends
 * it with 0, Ctrl-C with 130. On a terminal it echoes what is typed. Thread-safe: stdin may come on any thread; the
 * commands run one at a time on a worker thread.
 */
final class ZkShell implements ExecSession {

  private static final Pattern WORDS = Pattern.compile("\\s*([^\"']\\S*|\"[^\"]*\"|'[^']*')\\s*");

  private final JvmContainer c;
  private final ZkCli cli;
  private final String connect;
  private final LineInput input;
  private final Promise<Integer> exit = Promise.promise();
  private ZooKeeper zk;
  private int count;

  private ZkShell(JvmContainer c, ZkCli cli, String connect, boolean tty, ExecSession.Output out) {
    this.c = c;
    this.cli = cli;
    this.connect = connect;
    this.input = new LineInput(this, tty, StandardCharsets.ISO_8859_1,
        s -> out.stdout(Buffer.buffer(s.replace("\n", "\r\n"), "ISO-8859-1")), this::interrupted);
  }

  /** Ctrl-C ends the shell, 130. */
  private void interrupted() {
    input.end();
    finish(130);
  }

  static ExecSession start(JvmContainer c, ZkCli cli, String connect, Future<List<InetSocketAddress>> hosts,
                           int timeout, boolean tty) {
    ZkShell shell = new ZkShell(c, cli, connect, tty, cli.output());
    cli.stdout("Welcome to ZooKeeper!\nJLine support is enabled\n");
    hosts.compose(found -> c.vertx().executeBlocking(() -> cli.connect(connect, found, timeout), false))
        .onComplete(ar -> {
          if (ar.failed()) {
            cli.stderr("Exception in thread \"main\" " + ar.cause() + "\n");
            shell.finish(1);
            return;
          }
          synchronized (shell) {
            shell.zk = ar.result();
          }
          shell.input.release();
          shell.prompt();
          shell.pump();
        });
    return shell;
  }

  private void prompt() {
    if (!exit.future().isComplete()) {
      String state = zk == null ? "CONNECTING" : zk.getState().toString();
      cli.stdout("[zk: " + connect + "(" + state + ") " + count + "] ");
    }
  }

  @Override
  public void stdin(Buffer data) {
    input.feed(data);
    pump();
  }

  @Override
  public void closeStdin() {
    input.close();
    pump();
  }

  /** Runs the next line once the one before is done; at the end of input the shell ends. */
  private void pump() {
    if (exit.future().isComplete()) {
      return;
    }
    String line = input.take();
    if (line == null) {
      if (input.done()) {
        finish(0);
      }
      return;
    }
    List<String> words = words(line);
    if (words.isEmpty()) {
      done();
      return;
    }
    count++;
    if (words.get(0).equals("quit")) {
      cli.stdout("Quitting...\n");
      finish(0);
      return;
    }
    c.vertx().executeBlocking(() -> {
      try {
        return cli.command(zk, words);
      } catch (KeeperException e) {
        cli.stderr(e.getClass().getName() + ": " + e.getMessage() + "\n");
        return 1;
      }
    }, false).onComplete(ar -> done());
  }

  private void done() {
    input.release();
    prompt();
    pump();
  }

  /** A line's words as 3.4 splits them: runs of non-blanks, or strings in double or single quotes. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    Matcher m = WORDS.matcher(line);
    while (m.find()) {
      String w = m.group(1);
      words.add(w.length() > 1 && (w.startsWith("\"") && w.endsWith("\"") || w.startsWith("'") && w.endsWith("'"))
          ? w.substring(1, w.length() - 1) : w);
    }
    return words;
  }

  private void finish(int code) {
    ZooKeeper client;
    synchronized (this) {
      client = zk;
      zk = null;
    }
    if (client == null) {
      exit.tryComplete(code);
      return;
    }
    c.vertx().executeBlocking(() -> {
      client.close();
      return null;
    }, false).onComplete(ar -> exit.tryComplete(code));
  }

  @Override
  public Future<Integer> exitCode() {
    return exit.future();
  }

  @Override
  public void kill() {
    finish(137);
  }
}
