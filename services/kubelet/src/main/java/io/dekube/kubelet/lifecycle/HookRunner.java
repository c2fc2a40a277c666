package io.dekube.kubelet.lifecycle;

import io.dekube.kubelet.probe.Actions;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPGetActionBuilder;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LifecycleHandler;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one lifecycle hook handler of a container as kube's kubelet does ({@code lifecycle/handlers.go}):
 * {@code exec} inside the container (fails on a non-zero exit), {@code httpGet} to the pod (fails only
 * when no answer comes: kube does not judge the status code; an HTTPS one answered in plain HTTP is sent again
 * over HTTP, kube's {@code LifecycleHTTPFallback}), {@code sleep} for its seconds; any other
 * handler ({@code tcpSocket}, deprecated and never run by kube) fails with kube's "Cannot run handler".
 * A failure carries kube's message (the one the container's waiting state shows). Confined to the
 * caller's context.
 */
public final class HookRunner {

  private static final Logger LOG = LoggerFactory.getLogger(HookRunner.class);
  /** The User-Agent of kube 1.32's lifecycle HTTP requests. */
  static final String USER_AGENT = "kube-lifecycle/1.32";

  /** A hook under way: its outcome (null = success, else kube's message) and a way to end it early. */
  public interface Running {
    Future<String> result();

    /** Ends the hook (a command is killed, a sleep ends); its result then no longer matters. */
    void cancel();

    /**
     * The pod began to terminate: kube's pod worker cancels the context of the sync that runs the hook. An
     * {@code exec} hook's command is killed and the hook fails with the CRI call's error ({@code rpc error: code =
     * Canceled desc = context canceled}), a {@code sleep} one fails at once ({@code container terminated before
     * sleep hook finished}); an {@code httpGet} one runs on, kube's request taking no context.
     */
    void interrupt();
  }

  private final Vertx vertx;
  private final Actions actions;
  private final Consumer<String> fellBack;

  /**
   * A runner whose HTTPS hooks answered in plain HTTP and then served over HTTP tell {@code fellBack} the
   * {@code host:port} they reached (kube's {@code LifecycleHTTPFallback} Event and metric).
   */
  public HookRunner(Vertx vertx, Consumer<String> fellBack) {
    this.vertx = vertx;
    this.actions = new Actions(vertx);
    this.fellBack = fellBack;
  }

  /**
   * Starts {@code handler} for {@code container} (running as {@code running}) of the pod kube names
   * {@code pod} ({@code name_namespace(uid)}), whose IP is {@code podIp}.
   */
  public Running run(LifecycleHandler handler, Container container, RunningContainer running, String pod,
                     String podIp) {
    String where = " for Container \"" + container.getName() + "\" in Pod \"" + pod + "\" failed - error: ";
    if (handler.getExec() != null) {
      List<String> cmd = handler.getExec().getCommand() == null ? List.of() : handler.getExec().getCommand();
      Actions.Exec exec = Actions.exec(running, cmd);
      Promise<String> result = Promise.promise();
      exec.result().map(r -> r.exitCode() == 0 ? null
          : "Exec lifecycle hook (" + goList(cmd) + ")" + where + "command '" + String.join(" ", cmd)
              + "' exited with " + r.exitCode() + ": " + r.stderr() + ", message: " + goQuote(r.stdout() + r.stderr()))
          .onComplete(ar -> {
            if (ar.succeeded()) {
              result.tryComplete(ar.result());
            } else {
              result.tryFail(ar.cause());
            }
          });
      return running(result.future(), () -> exec.session().kill(), () -> {
        result.tryComplete("Exec lifecycle hook (" + goList(cmd) + ")" + where
            + "rpc error: code = Canceled desc = context canceled, message: \"\"");
        exec.session().kill();
      });
    }
    if (handler.getHttpGet() != null) {
      String path = handler.getHttpGet().getPath() == null ? "" : handler.getHttpGet().getPath();
      Future<String> result = httpGet(handler.getHttpGet(), container, podIp)
          .map(code -> (String) null)
          .recover(e -> Future.succeededFuture("HTTP lifecycle hook (" + path + ")" + where + e.getMessage()));
      return running(result, () -> { });
    }
    if (handler.getSleep() != null) {
      long seconds = handler.getSleep().getSeconds() == null ? 0 : handler.getSleep().getSeconds();
      Promise<String> slept = Promise.promise();
      long timer = vertx.setTimer(Math.max(1, seconds * 1000), t -> slept.tryComplete(null));
      return running(slept.future(), () -> {
        vertx.cancelTimer(timer);
        slept.tryComplete(null);
      }, () -> {
        vertx.cancelTimer(timer);
        slept.tryComplete("Sleep lifecycle hook (" + seconds + ")" + where
            + "container terminated before sleep hook finished");
      });
    }
    return running(Future.succeededFuture("Cannot run handler: invalid handler: " + describe(handler)), () -> { });
  }

  /**
   * The hook's GET, with kube's fallback ({@code runHTTPHandler}): an HTTPS GET that a server answered in plain HTTP
   * is sent again over HTTP without its {@code Authorization} header; when that one is answered the hook succeeded
   * (reported to {@code fellBack}), else it failed with the HTTPS error.
   */
  private Future<Integer> httpGet(HTTPGetAction h, Container container, String podIp) {
    return actions.httpGet(h, container, podIp, 0, USER_AGENT).recover(e -> {
      if (!(e instanceof Actions.HttpResponseToHttps)) {
        return Future.failedFuture(e);
      }
      String host = h.getHost() == null || h.getHost().isEmpty() ? podIp : h.getHost();
      String where = (host.contains(":") ? "[" + host + "]" : host) + ":" + Actions.port(container, h.getPort());
      LOG.debug("HTTPS request to lifecycle hook got HTTP response, retrying with HTTP: {}", where);
      List<HTTPHeader> headers = h.getHttpHeaders() == null ? List.of() : h.getHttpHeaders().stream()
          .filter(x -> !"Authorization".equalsIgnoreCase(x.getName())).toList();
      HTTPGetAction plain = new HTTPGetActionBuilder(h).withScheme("HTTP").withHttpHeaders(headers).build();
      return actions.httpGet(plain, container, podIp, 0, USER_AGENT).map(code -> {
        fellBack.accept(where);
        return code;
      }).recover(again -> Future.failedFuture(e));
    });
  }

  private static Running running(Future<String> result, Runnable cancel) {
    return running(result, cancel, () -> { });
  }

  private static Running running(Future<String> result, Runnable cancel, Runnable interrupt) {
    return new Running() {
      @Override
      public Future<String> result() {
        return result;
      }

      @Override
      public void cancel() {
        cancel.run();
      }

      @Override
      public void interrupt() {
        interrupt.run();
      }
    };
  }

  /** A handler as Go's generated {@code String()} prints it (tcpSocket is the one that gets here). */
  static String describe(LifecycleHandler h) {
    String tcp = "nil";
    if (h.getTcpSocket() != null) {
      tcp = "&TCPSocketAction{Port:" + intOrString(h.getTcpSocket().getPort()) + ",Host:"
          + (h.getTcpSocket().getHost() == null ? "" : h.getTcpSocket().getHost()) + ",}";
    }
    return "&LifecycleHandler{Exec:nil,HTTPGet:nil,TCPSocket:" + tcp + ",Sleep:nil,}";
  }

  private static String intOrString(IntOrString v) {
    if (v == null) {
      return "{0 0 }";
    }
    return v.getIntVal() != null ? "{0 " + v.getIntVal() + " }" : "{1 0 " + v.getStrVal() + "}";
  }

  /** A string list as Go's {@code %v} prints it: {@code [sh -c exit 1]}. */
  static String goList(List<String> l) {
    return "[" + String.join(" ", l) + "]";
  }

  /** A string as Go's {@code %q} quotes it (the common escapes). */
  static String goQuote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (ch < 0x20) {
            b.append(String.format("\\x%02x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
