package io.dekube.core.net;

import io.vertx.core.Future;
import java.net.BindException;

/**
 * Names what could not listen where: a bare {@code BindException: Address already in use} from Netty
 * says neither which component nor which address. Pure; any thread.
 */
public final class Bind {

  private Bind() {
  }

  /** {@code listening}, whose bind failure (if any) becomes "WHAT cannot listen on HOST:PORT: ...". */
  public static <T> Future<T> named(Future<T> listening, String what, String host, int port) {
    return listening.recover(e -> Future.failedFuture(e instanceof BindException b ? describe(b, what, host, port) : e));
  }

  /** The bind failure with the component and the address in its message. */
  public static BindException describe(BindException e, String what, String host, int port) {
    BindException named = new BindException(what + " cannot listen on " + host + ":" + port + ": " + e.getMessage());
    named.initCause(e);
    return named;
  }

  /** The first {@link BindException} in a cause chain, or null. */
  public static BindException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof BindException b) {
        return b;
      }
    }
    return null;
  }
}
