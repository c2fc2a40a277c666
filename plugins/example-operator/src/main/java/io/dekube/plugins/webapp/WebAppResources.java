package io.dekube.plugins.webapp;

import io.dekube.controller.api.OwnerReferences;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The desired state of a WebApp, as pure functions (no I/O): its Deployment and Service (same name,
 * owned by the WebApp), what differs in the current ones, and the WebApp's status from its Deployment's.
 * Stateless.
 */
final class WebAppResources {

  /** The label that ties the pods to their WebApp: the Deployment's selector and the Service's. */
  static final String LABEL = "demo.dekube.io/webapp";

  private WebAppResources() {
  }

  static Map<String, String> selector(GenericKubernetesResource app) {
    return Map.of(LABEL, app.getMetadata().getName());
  }

  /** The Deployment: {@code replicas} pods of the image, MESSAGE in their environment, the port named http. */
  static Deployment deployment(GenericKubernetesResource app) {
    WebAppSpec spec = WebAppSpec.of(app);
    ContainerBuilder container = new ContainerBuilder().withName("web").withImage(spec.image())
        .addNewPort().withName("http").withContainerPort(spec.port()).endPort();
    if (!spec.message().isEmpty()) {
      container.addNewEnv().withName("MESSAGE").withValue(spec.message()).endEnv();
    }
    Container web = container.build();
    Deployment d = new DeploymentBuilder()
        .withNewMetadata().withName(app.getMetadata().getName()).withNamespace(app.getMetadata().getNamespace())
        .withLabels(selector(app)).endMetadata()
        .withNewSpec().withReplicas(spec.replicas())
        .withNewSelector().withMatchLabels(selector(app)).endSelector()
        .withNewTemplate().withNewMetadata().withLabels(selector(app)).endMetadata()
        .withNewSpec().withContainers(web).endSpec().endTemplate()
        .endSpec().build();
    return OwnerReferences.setController(d, app);
  }

  /** The Service: a ClusterIP on port 80 to the pods' http port. */
  static Service service(GenericKubernetesResource app) {
    Service s = new ServiceBuilder()
        .withNewMetadata().withName(app.getMetadata().getName()).withNamespace(app.getMetadata().getNamespace())
        .withLabels(selector(app)).endMetadata()
        .withNewSpec().withType("ClusterIP").withSelector(selector(app))
        .addNewPort().withName("http").withProtocol("TCP").withPort(80).withTargetPort(new IntOrString("http"))
        .endPort()
        .endSpec().build();
    return OwnerReferences.setController(s, app);
  }

  /** The fields of the current Deployment that differ from the desired one (empty: up to date). */
  static List<String> drift(Deployment current, Deployment desired) {
    List<String> out = new ArrayList<>();
    if (!Objects.equals(current.getSpec().getReplicas(), desired.getSpec().getReplicas())) {
      out.add("replicas");
    }
    Container have = current.getSpec().getTemplate().getSpec().getContainers().get(0);
    Container want = desired.getSpec().getTemplate().getSpec().getContainers().get(0);
    if (!Objects.equals(have.getImage(), want.getImage())) {
      out.add("image");
    }
    if (!Objects.equals(env(have), env(want))) {
      out.add("message");
    }
    if (!Objects.equals(have.getPorts().stream().map(p -> p.getContainerPort()).toList(),
        want.getPorts().stream().map(p -> p.getContainerPort()).toList())) {
      out.add("port");
    }
    return out;
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> out = new java.util.TreeMap<>();
    c.getEnv().forEach(e -> out.put(e.getName(), e.getValue() == null ? "" : e.getValue()));
    return out;
  }

  /** Whether the current Service routes as the desired one does. */
  static boolean upToDate(Service current, Service desired) {
    List<String> have = current.getSpec().getPorts().stream().map(WebAppResources::port).toList();
    List<String> want = desired.getSpec().getPorts().stream().map(WebAppResources::port).toList();
    return Objects.equals(current.getSpec().getSelector(), desired.getSpec().getSelector()) && have.equals(want);
  }

  private static String port(ServicePort p) {
    return p.getPort() + "->" + (p.getTargetPort() == null ? "" : p.getTargetPort().toString());
  }

  /**
   * The WebApp's status from its Deployment's (null when the Deployment is not there yet): replicas,
   * readyReplicas, observedGeneration and a {@code Ready} condition whose transition time changes only
   * when its status does.
   */
  static Map<String, Object> status(GenericKubernetesResource app, Deployment d, Instant now) {
    WebAppSpec spec = WebAppSpec.of(app);
    int replicas = d == null || d.getStatus() == null || d.getStatus().getReplicas() == null ? 0
        : d.getStatus().getReplicas();
    int ready = d == null || d.getStatus() == null || d.getStatus().getReadyReplicas() == null ? 0
        : d.getStatus().getReadyReplicas();
    boolean allReady = d != null && ready >= spec.replicas();
    String status = allReady ? "True" : "False";
    Map<String, Object> condition = new LinkedHashMap<>();
    condition.put("type", "Ready");
    condition.put("status", status);
    condition.put("reason", d == null ? "DeploymentMissing" : allReady ? "AllReplicasReady" : "ReplicasNotReady");
    condition.put("message", ready + "/" + spec.replicas() + " replicas ready");
    Object before = previousTransition(app, status);
    condition.put("lastTransitionTime", before != null ? before : now.truncatedTo(ChronoUnit.SECONDS).toString());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("replicas", replicas);
    out.put("readyReplicas", ready);
    if (app.getMetadata().getGeneration() != null) {
      out.put("observedGeneration", app.getMetadata().getGeneration());
    }
    out.put("conditions", List.of(condition));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object previousTransition(GenericKubernetesResource app, String status) {
    Object conditions = app.get("status", "conditions");
    if (conditions instanceof List<?> list) {
      for (Object c : list) {
        if (c instanceof Map<?, ?> m && "Ready".equals(m.get("type")) && status.equals(m.get("status"))) {
          return ((Map<String, Object>) m).get("lastTransitionTime");
        }
      }
    }
    return null;
  }

  /** Whether the WebApp's status already has these fields and values (numbers compared by value). */
  static boolean sameStatus(GenericKubernetesResource app, Map<String, Object> status) {
    Object have = app.getAdditionalProperties().get("status");
    if (!(have instanceof Map<?, ?> current)) {
      return false;
    }
    return status.entrySet().stream()
        .allMatch(e -> normalized(current.get(e.getKey())).equals(normalized(e.getValue())));
  }

  private static String normalized(Object o) {
    if (o instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      new java.util.TreeMap<>(m).forEach((k, v) -> b.append(k).append('=').append(normalized(v)).append(','));
      return b.append('}').toString();
    }
    if (o instanceof List<?> l) {
      return l.stream().map(WebAppResources::normalized).toList().toString();
    }
    return o instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(o);
  }
}
