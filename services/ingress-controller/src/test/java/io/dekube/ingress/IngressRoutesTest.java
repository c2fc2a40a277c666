package io.dekube.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class IngressRoutesTest {

  private static final String CTRL = IngressConfig.CONTROLLER;

  private static Ingress ingress(String name, String cls, String host, String path, String pathType, String svc) {
    return new IngressBuilder().withNewMetadata().withNamespace("ns").withName(name).endMetadata()
        .withNewSpec().withIngressClassName(cls).addNewRule().withHost(host).withNewHttp().addNewPath()
        .withPath(path).withPathType(pathType).withNewBackend().withNewService().withName(svc).withNewPort()
        .withNumber(80).endPort().endService().endBackend().endPath().endHttp().endRule().endSpec().build();
  }

  private static IngressClass cls(String name, String controller, boolean dflt) {
    return new IngressClassBuilder().withNewMetadata().withName(name)
        .withAnnotations(dflt ? Map.of(IngressRoutes.DEFAULT_CLASS_ANNOTATION, "true") : Map.of()).endMetadata()
        .withNewSpec().withController(controller).endSpec().build();
  }

  private static final List<Ingress> INGRESSES = List.of(
      ingress("talk", null, "kube-decon.kubecon.carson-anderson.com", "/", "Prefix", "kube-decon"),
      ingress("foo", null, "example.com", "/foo", "Prefix", "foo"),
      ingress("foo-exact", null, "example.com", "/foo/bar", "Exact", "foo-exact"),
      ingress("foo-deep", null, "example.com", "/foo/bar/baz", "Prefix", "foo-deep"),
      ingress("wild", null, "*.example.com", "/", "ImplementationSpecific", "wild"),
      ingress("any", null, null, "/any", "Prefix", "any"));

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kube-decon.kubecon.carson-anderson.com      | /            | kube-decon",
      "KUBE-DECON.kubecon.carson-anderson.com:8080 | /x/y         | kube-decon",
      "example.com    | /foo         | foo",
      "example.com    | /foo/        | foo",
      "example.com    | /foo/bar     | foo-exact",
      "example.com    | /foo/bar/    | foo",
      "example.com    | /foo/bar/baz/q | foo-deep",
      "example.com    | /foobar      | ''",
      "a.example.com  | /anything    | wild",
      "a.b.example.com | /any        | any",
      "other.org      | /any/thing   | any",
      "other.org      | /            | ''"})
  void matchesAsTheIngressApiDefines(String host, String path, String expected) {
    IngressRoutes.Route r = IngressRoutes.of(INGRESSES, List.of(), CTRL).match(host, path);
    assertEquals(expected, r == null ? "" : r.service());
  }

  @Test
  void defaultBackendCatchesTheRest() {
    Ingress withDefault = new IngressBuilder(ingress("d", null, "x.org", "/", "Prefix", "x")).editSpec()
        .withNewDefaultBackend().withNewService().withName("fallback").withNewPort().withName("http").endPort()
        .endService().endDefaultBackend().endSpec().build();
    IngressRoutes.Route r = IngressRoutes.of(List.of(withDefault), List.of(), CTRL).match("y.org", "/");
    assertEquals("fallback", r.service());
    assertEquals("http", r.portName());
  }

  @Test
  void classSelection() {
    IngressClass ours = cls("dekube", CTRL, true);
    IngressClass nginx = cls("nginx", "k8s.io/ingress-nginx", false);
    assertTrue(IngressRoutes.ours(ingress("a", "dekube", "h", "/", "Prefix", "s"), List.of(ours, nginx), CTRL));
    assertFalse(IngressRoutes.ours(ingress("a", "nginx", "h", "/", "Prefix", "s"), List.of(ours, nginx), CTRL));
    assertFalse(IngressRoutes.ours(ingress("a", "missing", "h", "/", "Prefix", "s"), List.of(ours, nginx), CTRL));
    assertTrue(IngressRoutes.ours(ingress("a", null, "h", "/", "Prefix", "s"), List.of(ours, nginx), CTRL),
        "no class: the default class' controller serves it");
    assertFalse(IngressRoutes.ours(ingress("a", null, "h", "/", "Prefix", "s"),
        List.of(cls("dekube", CTRL, false), cls("nginx", "k8s.io/ingress-nginx", true)), CTRL));
    assertNull(IngressRoutes.of(List.of(ingress("a", "nginx", "h", "/", "Prefix", "s")), List.of(nginx), CTRL)
        .match("h", "/"));
  }
}
