package io.dekube.kubelet.images.zookeeper;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClientOptions;
import java.util.List;

/**
 * {@code zookeeper-ready PORT} of the kubernetes-zookeeper image, its probes' command: the script's
 * {@code echo ruok | nc 127.0.0.1 $1} — the {@code ruok} four-letter word to the pod's own server — and exit 0 when
 * the answer is {@code imok}, else 1. While {@code /usr/bin/zookeeper-ready} is gone from the container
 * ({@code kubectl exec zk-0 -- rm /usr/bin/zookeeper-ready}, the tutorial's liveness test) it is dash's
 * {@code not found}, 127. Non-blocking.
 */
final class ZooKeeperReady {

  /** The script's place in the image. */
  static final String PATH = "/usr/bin/zookeeper-ready";

  private ZooKeeperReady() {
  }

  static ExecSession start(JvmContainer c, List<String> argv, ExecSession.Output out) {
    Future<Integer> exit = c.file(PATH).compose(script -> {
      if (script == null) {
        out.stderr(Buffer.buffer("sh: 1: zookeeper-ready: not found\n"));
        return Future.succeededFuture(127);
      }
      if (argv.size() < 2 || !argv.get(1).matches("\\d{1,5}")) {
        return Future.succeededFuture(1);
      }
      return ruok(c, Integer.parseInt(argv.get(1))).map(answer -> answer.equals("imok") ? 0 : 1)
          .otherwise(1);
    });
    return ExecSession.ending(exit);
  }

  /**
   * What the server on the pod's {@code port} answers to {@code ruok}, read to the end of the connection (at most
   * 5 s).
   */
  static Future<String> ruok(JvmContainer c, int port) {
    var client = c.vertx().createNetClient(new NetClientOptions().setConnectTimeout(5000)
        .setLocalAddress(c.clientAddress()));
    return client.connect(port, c.spec().podIp()).compose(socket -> {
      Buffer answer = Buffer.buffer();
      io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
      socket.handler(answer::appendBuffer);
      socket.closeHandler(v -> done.tryComplete(answer.toString().strip()));
      socket.exceptionHandler(e -> done.tryFail(e));
      long timer = c.vertx().setTimer(5000, t -> socket.close()); // nc would wait; the probe gives up after 5 s
      socket.write("ruok\n");
      return done.future().andThen(ar -> c.vertx().cancelTimer(timer));
    }).eventually(() -> client.close());
  }
}
