package io.dekube.kubelet.images.redis;

import io.dekube.kubelet.runtime.PodDialer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.List;

/**
 * A one-command redis client for built-in programs (the guestbook frontend's Predis): connects from the pod,
 * sends the command, reads one reply and closes, as a PHP request does. Thread-safe.
 */
public final class RedisClient {

  private RedisClient() {
  }

  /** The reply to {@code argv} from {@code host:port}; a failed future when the connection fails or closes. */
  public static Future<Reply> call(PodDialer dialer, String host, int port, List<String> argv) {
    return dialer.connect(host, port).compose(socket -> {
      Promise<Reply> reply = Promise.promise();
      RespParser parser = new RespParser(false, reply::tryComplete);
      socket.handler(data -> {
        try {
          parser.feed(data);
        } catch (RespParser.ProtocolException e) {
          reply.tryFail(e);
        }
      });
      socket.closeHandler(v -> reply.tryFail("Connection closed by server"));
      socket.exceptionHandler(reply::tryFail);
      socket.write(Reply.command(argv));
      return reply.future().andThen(ar -> socket.close());
    });
  }
}
