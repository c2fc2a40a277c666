package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.net.ClusterNetwork;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceFieldSelector;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment as the kubelet builds it: the service variables of the pod's
 * namespace (when {@code enableServiceLinks}), then {@code envFrom}, then {@code env} (plain values
 * with {@code $(VAR)} expansion, fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef), and what
 * a runtime sets ({@code HOSTNAME}, {@code PATH}, and the resolver settings of
 * {@link PodDns}). Pure: objects come from a {@link Lookup}. A missing
 * ConfigMap, Secret or key that is not optional fails with {@code CreateContainerConfigError}.
 */
public final class EnvBuilder {

  /** The PATH a container gets unless it sets one. */
  public static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final Pattern REF = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)|\\$\\$");

  /** Where the builder finds ConfigMaps, Secrets and Services (trees as stored; null when missing). */
  public interface Lookup {
    ObjectNode configMap(String namespace, String name);

    ObjectNode secret(String namespace, String name);

    List<ObjectNode> services(String namespace);

    /** A PersistentVolumeClaim, or null (also when the lookup has none). */
    default ObjectNode persistentVolumeClaim(String namespace, String name) {
      return null;
    }

    /** A PersistentVolume, or null. */
    default ObjectNode persistentVolume(String name) {
      return null;
    }
  }

  /**
   * The pod's addresses and the node's allocatable, for fieldRef and resourceFieldRef, and the address
   * and port the cluster DNS answers on (the kubelet's clusterDNS).
   */
  public record PodInfo(String podIp, String hostIp, String allocatableCpu, String allocatableMemory, int dnsPort,
                        String dnsIp) {
    /** With the cluster DNS of the default service CIDR on its default port. */
    public PodInfo(String podIp, String hostIp, String allocatableCpu, String allocatableMemory) {
      this(podIp, hostIp, allocatableCpu, allocatableMemory, ClusterNetwork.DNS_PORT,
          ClusterNetwork.dnsIp(ClusterNetwork.SERVICE_CIDR));
    }
  }

  private EnvBuilder() {
  }

  public static Map<String, String> build(Pod pod, Container c, PodInfo info, Lookup lookup) {
    Map<String, String> env = new LinkedHashMap<>();
    String ns = pod.getMetadata().getNamespace();
    if (!Boolean.FALSE.equals(pod.getSpec().getEnableServiceLinks())) {
      env.putAll(serviceVariables(lookup.services(ns)));
    }
    if (!"default".equals(ns)) {
      serviceVariables(lookup.services("default").stream()
          .filter(s -> "kubernetes".equals(s.path("metadata").path("name").asText())).toList()).forEach(env::put);
    }
    if (c.getEnvFrom() != null) {
      for (EnvFromSource from : c.getEnvFrom()) {
        envFrom(env, ns, from, lookup);
      }
    }
    if (c.getEnv() != null) {
      for (EnvVar v : c.getEnv()) {
        String value = v.getValueFrom() != null ? valueFrom(pod, c, v, info, lookup) : expand(v.getValue(), env);
        if (value != null) {
          env.put(v.getName(), value);
        }
      }
    }
    String hostname = hostname(pod);
    PodDns.of(pod, info.dnsIp(), PodDns::nodeResolvConf).env(info.dnsPort()).forEach(env::putIfAbsent);
    env.putIfAbsent("DEKUBE_DNS_CLUSTER", info.dnsIp() + ":" + info.dnsPort()); // where the cluster DNS answers
    env.putIfAbsent("HOSTNAME", hostname);
    env.putIfAbsent("PATH", PATH);
    return env;
  }

  /**
   * The pod's hostname: a {@code hostNetwork} pod shares the node's (its node's name here), others have
   * {@code spec.hostname} or their own name.
   */
  static String hostname(Pod pod) {
    var spec = pod.getSpec();
    if (Boolean.TRUE.equals(spec.getHostNetwork()) && spec.getNodeName() != null) {
      return spec.getNodeName();
    }
    return spec.getHostname() != null && !spec.getHostname().isEmpty() ? spec.getHostname() : pod.getMetadata().getName();
  }

  /** The Docker-link-style variables of services with a cluster IP, as the kubelet sets them. */
  public static Map<String, String> serviceVariables(List<ObjectNode> services) {
    Map<String, String> env = new LinkedHashMap<>();
    for (ObjectNode svc : services) {
      String ip = svc.path("spec").path("clusterIP").asText("");
      JsonNode ports = svc.path("spec").path("ports");
      if (ip.isEmpty() || ip.equals("None") || !ports.isArray() || ports.isEmpty()) {
        continue;
      }
      String name = svc.path("metadata").path("name").asText().toUpperCase(Locale.ROOT).replace('-', '_');
      JsonNode first = ports.get(0);
      env.put(name + "_SERVICE_HOST", ip);
      env.put(name + "_SERVICE_PORT", first.path("port").asText());
      for (JsonNode p : ports) {
        String portName = p.path("name").asText("");
        if (!portName.isEmpty()) {
          env.put(name + "_SERVICE_PORT_" + portName.toUpperCase(Locale.ROOT).replace('-', '_'), p.path("port").asText());
        }
      }
      String firstProto = first.path("protocol").asText("TCP").toLowerCase(Locale.ROOT);
      env.put(name + "_PORT", firstProto + "://" + ip + ":" + first.path("port").asText());
      for (JsonNode p : ports) {
        String proto = p.path("protocol").asText("TCP");
        String port = p.path("port").asText();
        String prefix = name + "_PORT_" + port + "_" + proto.toUpperCase(Locale.ROOT);
        env.put(prefix, proto.toLowerCase(Locale.ROOT) + "://" + ip + ":" + port);
        env.put(prefix + "_PROTO", proto.toLowerCase(Locale.ROOT));
        env.put(prefix + "_PORT", port);
        env.put(prefix + "_ADDR", ip);
      }
    }
    return env;
  }

  private static void envFrom(Map<String, String> env, String ns, EnvFromSource from, Lookup lookup) {
    String prefix = from.getPrefix() == null ? "" : from.getPrefix();
    if (from.getConfigMapRef() != null) {
      var ref = from.getConfigMapRef();
      ObjectNode cm = lookup.configMap(ns, ref.getName());
      if (cm == null) {
        if (Boolean.TRUE.equals(ref.getOptional())) {
          return;
        }
        throw configError("configmap \"" + ref.getName() + "\" not found");
      }
      cm.path("data").fields().forEachRemaining(e -> env.put(prefix + e.getKey(), e.getValue().asText()));
    }
    if (from.getSecretRef() != null) {
      var ref = from.getSecretRef();
      ObjectNode secret = lookup.secret(ns, ref.getName());
      if (secret == null) {
        if (Boolean.TRUE.equals(ref.getOptional())) {
          return;
        }
        throw configError("secret \"" + ref.getName() + "\" not found");
      }
      secretData(secret).forEach((k, v) -> env.put(prefix + k, v));
    }
  }

  /** A Secret's data, decoded, with stringData over it. */
  static Map<String, String> secretData(ObjectNode secret) {
    Map<String, String> data = new LinkedHashMap<>();
    secret.path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
        new String(Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.UTF_8)));
    secret.path("stringData").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    return data;
  }

  private static String valueFrom(Pod pod, Container c, EnvVar v, PodInfo info, Lookup lookup) {
    EnvVarSource src = v.getValueFrom();
    String ns = pod.getMetadata().getNamespace();
    if (src.getFieldRef() != null) {
      return PodFields.value(pod, src.getFieldRef().getFieldPath(), info.podIp(), info.hostIp());
    }
    if (src.getResourceFieldRef() != null) {
      return resource(c, src.getResourceFieldRef(), info);
    }
    if (src.getConfigMapKeyRef() != null) {
      var ref = src.getConfigMapKeyRef();
      ObjectNode cm = lookup.configMap(ns, ref.getName());
      JsonNode value = cm == null ? null : cm.path("data").get(ref.getKey());
      if (value == null && Boolean.TRUE.equals(ref.getOptional())) {
        return null;
      }
      if (cm == null) {
        throw configError("configmap \"" + ref.getName() + "\" not found");
      }
      if (value == null) {
        throw configError("couldn't find key " + ref.getKey() + " in ConfigMap " + ns + "/" + ref.getName());
      }
      return value.asText();
    }
    if (src.getSecretKeyRef() != null) {
      var ref = src.getSecretKeyRef();
      ObjectNode secret = lookup.secret(ns, ref.getName());
      String value = secret == null ? null : secretData(secret).get(ref.getKey());
      if (value == null && Boolean.TRUE.equals(ref.getOptional())) {
        return null;
      }
      if (secret == null) {
        throw configError("secret \"" + ref.getName() + "\" not found");
      }
      if (value == null) {
        throw configError("couldn't find key " + ref.getKey() + " in Secret " + ns + "/" + ref.getName());
      }
      return value;
    }
    return "";
  }

  /** limits/requests of cpu/memory/ephemeral-storage, divided by the divisor and rounded up; limits default to allocatable. */
  static String resource(Container c, ResourceFieldSelector ref, PodInfo info) {
    String res = ref.getResource();
    var r = c.getResources();
    Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
    Map<String, Quantity> requests = r == null || r.getRequests() == null ? Map.of() : r.getRequests();
    String kind = res.substring(res.indexOf('.') + 1);
    Quantity q = res.startsWith("limits.") ? limits.get(kind) : requests.get(kind);
    if (q == null && res.startsWith("requests.")) {
      q = limits.get(kind);
    }
    if (q == null) {
      q = new Quantity(kind.equals("cpu") ? info.allocatableCpu() : kind.equals("memory") ? info.allocatableMemory()
          : "0");
    }
    BigDecimal amount = Quantity.getAmountInBytes(q);
    BigDecimal divisor = ref.getDivisor() == null ? BigDecimal.ONE : Quantity.getAmountInBytes(ref.getDivisor());
    if (divisor.signum() == 0) {
      divisor = BigDecimal.ONE;
    }
    return amount.divide(divisor, 0, RoundingMode.CEILING).toPlainString();
  }

  /**
   * The container with {@code $(VAR)} in its command and args replaced by the values of its environment, as kube's
   * {@code ExpandContainerCommandAndArgs} does before it starts it ({@code command: [sh, -c, "echo $(LEVEL)"]}
   * prints the value; the shell never sees the reference). Unknown references stay; {@code $$} is {@code $}.
   */
  static Container expandCommandAndArgs(Container c, Map<String, String> env) {
    if ((c.getCommand() == null || c.getCommand().isEmpty()) && (c.getArgs() == null || c.getArgs().isEmpty())) {
      return c;
    }
    return new io.fabric8.kubernetes.api.model.ContainerBuilder(c)
        .withCommand(c.getCommand() == null ? null : c.getCommand().stream().map(a -> expand(a, env)).toList())
        .withArgs(c.getArgs() == null ? null : c.getArgs().stream().map(a -> expand(a, env)).toList())
        .build();
  }

  /** {@code $(VAR)} from the variables defined so far; unknown references stay as written, {@code $$} is {@code $}. */
  static String expand(String value, Map<String, String> env) {
    if (value == null) {
      return "";
    }
    Matcher m = REF.matcher(value);
    StringBuilder b = new StringBuilder();
    while (m.find()) {
      String rep = m.group(1) == null ? "\\$" : Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group()));
      m.appendReplacement(b, rep);
    }
    m.appendTail(b);
    return b.toString();
  }

  private static ContainerStartException configError(String message) {
    return new ContainerStartException("CreateContainerConfigError", message);
  }
}
