package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Validation of a container's {@code lifecycle} (postStart, preStop) as core's {@code validateLifecycle}
 * does it in kube 1.32: exactly one handler (exec, httpGet, tcpSocket — accepted, kube's kubelet then
 * fails it —, sleep), a command for exec, a port, scheme and header names for httpGet, a port for
 * tcpSocket, and sleep seconds above 0 and at most the pod's terminationGracePeriodSeconds. Pure.
 */
final class LifecycleValidation {

  static final List<String> SCHEMES = List.of("HTTP", "HTTPS");
  private static final Pattern HEADER_NAME = Pattern.compile("[-A-Za-z0-9]+");

  private LifecycleValidation() {
  }

  /** Validates {@code c.lifecycle} at {@code path} ({@code spec.containers[0]}); {@code grace}: the pod's, or null. */
  static void validate(ObjectNode c, String path, Long grace, FieldErrors errs) {
    JsonNode lifecycle = c.get("lifecycle");
    if (!(lifecycle instanceof ObjectNode)) {
      return;
    }
    for (String hook : new String[] {"postStart", "preStop"}) {
      if (lifecycle.get(hook) instanceof ObjectNode handler) {
        handler(handler, path + ".lifecycle." + hook, grace, errs);
      }
    }
  }

  private static void handler(ObjectNode h, String path, Long grace, FieldErrors errs) {
    handler(h, path, grace, errs, List.of("exec", "httpGet", "tcpSocket", "sleep"));
  }

  /** One handler of {@code kinds} (a hook's, or a probe's: exec, httpGet, tcpSocket, grpc), validated as kube's {@code validateHandler}. */
  static void handler(ObjectNode h, String path, Long grace, FieldErrors errs, List<String> kinds) {
    int handlers = 0;
    for (String kind : kinds) {
      if (!(h.get(kind) instanceof ObjectNode action)) {
        continue;
      }
      if (handlers++ > 0) {
        errs.forbidden(path + "." + kind, "may not specify more than 1 handler type");
        continue;
      }
      String p = path + "." + kind;
      switch (kind) {
        case "exec" -> {
          if (action.path("command").size() == 0) {
            errs.required(p + ".command", "");
          }
        }
        case "httpGet" -> httpGet(action, p, errs);
        case "tcpSocket", "grpc" -> port(action.get("port"), p + ".port", errs);
        default -> sleep(action, p, grace, errs);
      }
    }
    if (handlers == 0) {
      errs.required(path, "must specify a handler type");
    }
  }

  private static void httpGet(ObjectNode http, String path, FieldErrors errs) {
    if (Nodes.text(http, "path").isEmpty()) {
      errs.required(path + ".path", "");
    }
    port(http.get("port"), path + ".port", errs);
    JsonNode scheme = http.get("scheme");
    if (scheme == null || !SCHEMES.contains(scheme.asText())) {
      errs.notSupported(path + ".scheme", scheme == null ? JsonNodeFactory.instance.textNode("") : scheme, SCHEMES);
    }
    for (ObjectNode header : Nodes.objects(http, "httpHeaders")) {
      String name = Nodes.text(header, "name");
      if (!HEADER_NAME.matcher(name).matches()) {
        errs.invalid(path + ".httpHeaders", name, "a valid HTTP header must consist of alphanumeric characters or "
            + "'-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')");
      }
    }
  }

  /** kube's {@code ValidatePortNumOrName}: a number in range, or an IANA service name. */
  static void port(JsonNode port, String path, FieldErrors errs) {
    if (port == null || port.isNull()) {
      errs.invalid(path, JsonNodeFactory.instance.numberNode(0), Validators.PORT_RANGE);
    } else if (port.isTextual()) {
      Validators.portName(port.asText()).forEach(m -> errs.invalid(path, port.asText(), m));
    } else if (!Validators.validPort(port)) {
      errs.invalid(path, port, Validators.PORT_RANGE);
    }
  }

  private static void sleep(ObjectNode sleep, String path, Long grace, FieldErrors errs) {
    long seconds = sleep.path("seconds").asLong(0);
    if (grace != null && (seconds <= 0 || seconds > grace)) {
      errs.invalid(path, JsonNodeFactory.instance.numberNode(seconds),
          "must be greater than 0 and less than terminationGracePeriodSeconds (" + grace + ")");
    }
  }
}
