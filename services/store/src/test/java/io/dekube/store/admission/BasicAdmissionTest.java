package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BasicAdmissionTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final String SUBDOMAIN = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
      + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex "
      + "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

  private final BasicAdmission admission = new BasicAdmission();

  private static ObjectNode obj(String ns, String name, String generateName) {
    ObjectNode o = Json.object();
    ObjectNode m = o.putObject("metadata");
    if (name != null) {
      m.put("name", name);
    }
    if (generateName != null) {
      m.put("generateName", generateName);
    }
    if (ns != null) {
      m.put("namespace", ns);
    }
    return o;
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of("pods", Verb.CREATE, obj("default", "web-1", null)),
        Arguments.of("pods", Verb.CREATE, obj("default", null, "web-")),
        Arguments.of("pods", Verb.UPDATE, obj("default", "a.b.c", null)),
        Arguments.of("nodes", Verb.CREATE, obj(null, "node-1", null)),
        Arguments.of("deployments.apps", Verb.CREATE, obj("kube-system", "x".repeat(253), null)),
        Arguments.of("namespaces", Verb.CREATE, obj(null, "team-a", null)));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void admits(String resource, Verb verb, ObjectNode o) {
    ResourceType t = REGISTRY.byResourceName(resource).orElseThrow();
    assertEquals(o, admission.admit(t, verb, o, null));
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("pods", Verb.CREATE, obj("default", "Foo", null),
            "Pod \"Foo\" is invalid: metadata.name: Invalid value: \"Foo\": " + SUBDOMAIN),
        Arguments.of("deployments.apps", Verb.CREATE, obj("default", "web_1", null),
            "Deployment.apps \"web_1\" is invalid: metadata.name: Invalid value: \"web_1\": " + SUBDOMAIN),
        Arguments.of("pods", Verb.CREATE, obj("default", null, null),
            "Pod \"\" is invalid: metadata.name: Required value: name or generateName is required"),
        Arguments.of("pods", Verb.UPDATE, obj("default", null, "web-"),
            "Pod \"\" is invalid: metadata.name: Required value: name or generateName is required"),
        Arguments.of("pods", Verb.CREATE, obj(null, "web", null),
            "Pod \"web\" is invalid: metadata.namespace: Required value"),
        Arguments.of("nodes", Verb.CREATE, obj("default", "node-1", null),
            "Node \"node-1\" is invalid: metadata.namespace: Forbidden: not allowed on this type"),
        Arguments.of("configmaps", Verb.CREATE, obj("default", "y".repeat(254), null),
            "ConfigMap \"" + "y".repeat(254) + "\" is invalid: metadata.name: Invalid value: \"" + "y".repeat(254)
                + "\": must be no more than 253 characters"),
        Arguments.of("namespaces", Verb.CREATE, obj(null, "a.b", null),
            "Namespace \"a.b\" is invalid: metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must "
                + "consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric "
                + "character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
        Arguments.of("pods", Verb.CREATE, obj("Default", "-x", null),
            "Pod \"-x\" is invalid: [metadata.name: Invalid value: \"-x\": " + SUBDOMAIN
                + ", metadata.namespace: Invalid value: \"Default\": a lowercase RFC 1123 label must consist of lower "
                + "case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. "
                + "'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')]"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void rejects(String resource, Verb verb, ObjectNode o, String message) {
    ResourceType t = REGISTRY.byResourceName(resource).orElseThrow();
    StatusException e = assertThrows(StatusException.class, () -> admission.admit(t, verb, o, null));
    assertEquals(422, e.code());
    assertEquals("Invalid", e.reason());
    assertEquals(message, e.getMessage());
  }

  @Test
  void causesAreInTheStatusDetails() {
    ResourceType pods = REGISTRY.byResourceName("pods").orElseThrow();
    StatusException e = assertThrows(StatusException.class,
        () -> admission.admit(pods, Verb.CREATE, obj("default", "Foo", null), null));
    ObjectNode status = e.toStatus();
    assertEquals("Pod", status.path("details").path("kind").asText());
    assertEquals("Foo", status.path("details").path("name").asText());
    assertEquals("metadata.name", status.path("details").path("causes").path(0).path("field").asText());
    assertEquals("FieldValueInvalid", status.path("details").path("causes").path(0).path("reason").asText());
  }

  @Test
  void chainsWithAndThen() {
    ResourceType pods = REGISTRY.byResourceName("pods").orElseThrow();
    WriteAdmission labelling = (t, v, n, o) -> {
      Json.metadata(n).putObject("labels").put("admitted", "yes");
      return n;
    };
    ObjectNode out = admission.andThen(labelling).admit(pods, Verb.CREATE, obj("default", "a", null), null);
    assertEquals("yes", out.path("metadata").path("labels").path("admitted").asText());
  }
}
