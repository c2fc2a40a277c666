package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Set;

/**
 * The options object of a CONNECT request, as kube-apiserver decodes it from the query and hands it to admission:
 * {@code PodExecOptions} (stdin, stdout, stderr, tty, container, command), {@code PodAttachOptions},
 * {@code PodPortForwardOptions} (ports), and a proxy's {@code PodProxyOptions}, {@code ServiceProxyOptions},
 * {@code NodeProxyOptions} (path) of {@code v1}, in their JSON form (false and empty fields left out; an exec's
 * {@code command} always there, null without one, as the Go type has it). Pure.
 */
final class ConnectOptions {

  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");
  private static final Set<String> FALSE = Set.of("0", "f", "F", "FALSE", "false", "False");

  private ConnectOptions() {
  }

  /** The kind of {@code sub}'s options: the kind kube's discovery names for {@code pods/exec}, ... */
  static AdmissionAttributes.ObjectKind kind(String sub) {
    return new AdmissionAttributes.ObjectKind("", "v1", switch (sub) {
      case "exec" -> "PodExecOptions";
      case "attach" -> "PodAttachOptions";
      case "portforward" -> "PodPortForwardOptions";
      default -> throw new IllegalArgumentException("no CONNECT options for " + sub);
    });
  }

  /** The kind of a {@code proxy} request's options on {@code plural} (pods, services or nodes). */
  static AdmissionAttributes.ObjectKind proxyKind(String plural) {
    return new AdmissionAttributes.ObjectKind("", "v1", switch (plural) {
      case "pods" -> "PodProxyOptions";
      case "services" -> "ServiceProxyOptions";
      default -> "NodeProxyOptions";
    });
  }

  /**
   * The options of a {@code proxy} request on {@code plural}: the path after {@code /proxy} ({@code /healthz}; left out
   * when there is none), as kube reads the subpath.
   */
  static ObjectNode proxy(String plural, String path) {
    ObjectNode o = Json.object().put("kind", proxyKind(plural).kind()).put("apiVersion", "v1");
    if (!path.isEmpty()) {
      o.put("path", path);
    }
    return o;
  }

  /**
   * The options of a request on {@code sub} with {@code query}.
   *
   * @throws StatusException 400 as kube's query decoding answers a bad boolean or port
   */
  static ObjectNode of(String sub, MultiMap query) {
    ObjectNode o = Json.object().put("kind", kind(sub).kind()).put("apiVersion", "v1");
    if (sub.equals("portforward")) {
      List<String> ports = query.getAll("ports");
      if (!ports.isEmpty()) {
        ArrayNode list = o.putArray("ports");
        for (String p : ports) {
          list.add(port(p));
        }
      }
      return o;
    }
    for (String flag : List.of("stdin", "stdout", "stderr", "tty")) {
      if (bool(flag, query.get(flag))) {
        o.put(flag, true);
      }
    }
    String container = query.get("container");
    if (container != null && !container.isEmpty()) {
      o.put("container", container);
    }
    if (sub.equals("exec")) {
      List<String> command = query.getAll("command");
      if (command.isEmpty()) {
        o.putNull("command");
      } else {
        ArrayNode c = o.putArray("command");
        command.forEach(c::add);
      }
    }
    return o;
  }

  /** The query {@code options} stand for (what the kubelet is asked with): the flags, the container, the command. */
  static MultiMap params(ObjectNode options) {
    MultiMap q = MultiMap.caseInsensitiveMultiMap();
    for (String flag : List.of("stdin", "stdout", "stderr", "tty")) {
      if (options.path(flag).asBoolean(false)) {
        q.add(flag, "true");
      }
    }
    if (!options.path("container").asText("").isEmpty()) {
      q.add("container", options.path("container").asText());
    }
    options.path("command").forEach(c -> q.add("command", c.asText()));
    options.path("ports").forEach(p -> q.add("ports", p.asText()));
    return q;
  }

  private static boolean bool(String name, String value) {
    if (value == null || value.isEmpty() || FALSE.contains(value)) {
      return false;
    }
    if (TRUE.contains(value)) {
      return true;
    }
    throw StatusException.badRequest("strconv.ParseBool: parsing \"" + value + "\": invalid syntax");
  }

  private static int port(String value) {
    try {
      int p = Integer.parseInt(value);
      if (p > 0 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw StatusException.badRequest("strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
  }
}
