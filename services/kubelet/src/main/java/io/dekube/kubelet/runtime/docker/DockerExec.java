package io.dekube.kubelet.runtime.docker;

import io.dekube.kubelet.runtime.ExecSession;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.List;

/**
 * A command run in a container by the engine ({@code kubectl exec}, exec probes and hooks): {@code POST
 * /containers/<id>/exec}, then {@code /exec/<id>/start} on a hijacked connection carrying stdin one way and the
 * output (multiplexed, or raw on a terminal) the other; when the engine ends the stream, the exit code comes from
 * {@code GET /exec/<id>/json}. Closing stdin half-closes the connection, as the docker CLI does. A command the engine
 * cannot run at all reports its error on stderr and ends with 126, as runc's "cannot exec". Also an attach to the
 * container's own stdio ({@code kubectl attach}) on the same kind of connection.
 */
final class DockerExec implements ExecSession {

  private final Future<NetSocket> socket;
  private final Promise<Integer> code = Promise.promise();
  /** The last write to stdin: closing stdin waits for it (a half-close fails what is still queued). */
  private Future<Void> written = Future.succeededFuture();

  private DockerExec(Future<NetSocket> socket) {
    this.socket = socket;
  }

  /** Output frames (multiplexed, or raw on a terminal) to {@code output}. */
  private static StreamFrames frames(Output output, boolean tty) {
    return new StreamFrames(tty, (stderr, payload) -> {
      if (stderr) {
        output.stderr(payload);
      } else {
        output.stdout(payload);
      }
    });
  }

  /** Starts {@code command} in the container {@code containerId} (its engine id). */
  static ExecSession start(DockerClient client, String containerId, List<String> command, Output output, boolean tty) {
    JsonObject create = new JsonObject().put("AttachStdin", true).put("AttachStdout", true)
        .put("AttachStderr", true).put("Tty", tty).put("Cmd", new JsonArray(command));
    StreamFrames frames = frames(output, tty);
    Promise<String> execId = Promise.promise();
    DockerExec exec = new DockerExec(client.post("/containers/" + containerId + "/exec", create)
        .compose(made -> {
          execId.complete(made.getString("Id"));
          return client.hijack("/exec/" + made.getString("Id") + "/start",
              new JsonObject().put("Detach", false).put("Tty", tty), frames::feed);
        }));
    exec.socket.onFailure(e -> {
      output.stderr(Buffer.buffer("error: Internal error occurred: error executing command in container: "
          + e.getMessage() + "\n"));
      exec.code.tryComplete(126);
    });
    exec.socket.onSuccess(s -> s.closeHandler(v -> client.get("/exec/" + execId.future().result() + "/json")
        .onComplete(ar -> exec.code.tryComplete(ar.succeeded() && ar.result().getInteger("ExitCode") != null
            ? ar.result().getInteger("ExitCode") : 126))));
    return exec;
  }

  /**
   * Attaches to the container's own stdio ({@code POST /containers/<id>/attach?stream=1}, hijacked): its output from
   * now on, stdin to its program; the session ends with the container ({@code exited}) or when detached ({@link #kill}).
   */
  static ExecSession attach(DockerClient client, String containerId, Output output, boolean tty,
                            Future<Integer> exited) {
    DockerExec attach = new DockerExec(client.hijack("/containers/" + containerId
        + "/attach?stream=1&stdin=1&stdout=1&stderr=1", null, frames(output, tty)::feed));
    attach.socket.onFailure(e -> {
      output.stderr(Buffer.buffer("error: unable to attach to container: " + e.getMessage() + "\n"));
      attach.code.tryComplete(126);
    });
    exited.onComplete(ar -> attach.code.tryComplete(ar.succeeded() ? ar.result() : 137));
    return attach;
  }

  @Override
  public synchronized void stdin(Buffer data) {
    Future<Void> before = written;
    written = socket.compose(s -> before.transform(x -> s.write(data)));
  }

  @Override
  public synchronized void closeStdin() {
    Future<Void> before = written;
    socket.onSuccess(s -> before.onComplete(x -> halfClose(s)));
  }

  /** Ends the stdin direction only, so the command sees its end of input and its output still comes. */
  static void halfClose(NetSocket s) {
    if (s instanceof io.vertx.core.internal.net.NetSocketInternal internal
        && internal.channelHandlerContext().channel() instanceof io.netty.channel.socket.DuplexChannel duplex) {
      duplex.shutdownOutput();
    }
  }

  @Override
  public Future<Integer> exitCode() {
    return code.future();
  }

  @Override
  public void kill() {
    socket.onSuccess(NetSocket::close);
  }
}
