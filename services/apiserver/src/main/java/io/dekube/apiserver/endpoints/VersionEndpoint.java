package io.dekube.apiserver.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Locale;

/**
 * {@code /version}: the server's version as kube-apiserver reports it. Major 1, minor 32 (kubectl
 * here dispatches to its 1.32 binary from this minor), {@code gitVersion} {@code v1.32.0-dekube},
 * and the platform in Go's {@code os/arch} notation, indented as kube writes it. Open to anonymous users. Stateless.
 */
public final class VersionEndpoint {

  /** The Kubernetes version dekube implements. */
  public static final String MAJOR = "1";
  public static final String MINOR = "32";
  public static final String GIT_VERSION = "v1.32.0-dekube";

  private final ObjectNode document = document();

  /** Adds {@code GET /version} to {@code router}. */
  public void mount(Router router) {
    // kube-apiserver writes it with json.MarshalIndent: indented for every client
    io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(
        io.dekube.apiserver.rest.Responses.encode(document, true, false));
    router.route(HttpMethod.GET, "/version").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body));
  }

  /** The {@code version.Info} document. */
  public static ObjectNode document() {
    String commit = VersionEndpoint.class.getPackage().getImplementationVersion();
    return Json.object()
        .put("major", MAJOR)
        .put("minor", MINOR)
        .put("gitVersion", GIT_VERSION)
        .put("gitCommit", commit == null ? "unknown" : commit)
        .put("gitTreeState", "clean")
        .put("buildDate", "1970-01-01T00:00:00Z")
        .put("goVersion", "java" + Runtime.version())
        .put("compiler", "javac")
        .put("platform", goOs() + "/" + goArch());
  }

  private static String goOs() {
    String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
    if (os.startsWith("mac") || os.startsWith("darwin")) {
      return "darwin";
    }
    return os.startsWith("windows") ? "windows" : os.replace(' ', '-');
  }

  private static String goArch() {
    String arch = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    return switch (arch) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      case "x86", "i386", "i686" -> "386";
      default -> arch;
    };
  }
}
