package io.dekube.kubelet.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.images.ImageSizes;
import io.dekube.kubelet.runtime.RuntimeImage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import io.dekube.kubelet.runtime.ImageRef;
import io.dekube.kubelet.runtime.JvmRuntime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The Node and Lease objects a kubelet writes, as pure functions of its config and the time: the
 * Node's labels, addresses, capacity, conditions, daemon endpoint and node info; the Lease in
 * {@code kube-node-lease}. No I/O.
 */
public final class NodeObjects {

  /** The namespace of node heartbeats. */
  public static final String LEASE_NAMESPACE = "kube-node-lease";

  private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);

  /** The pressure conditions: type, False's reason and message, True's reason and message (kube's setters). */
  private static final List<String[]> PRESSURE = List.of(
      new String[] {"MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available",
          "KubeletHasInsufficientMemory", "kubelet has insufficient memory available"},
      new String[] {"DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure",
          "KubeletHasDiskPressure", "kubelet has disk pressure"},
      new String[] {"PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available",
          "KubeletHasInsufficientPID", "kubelet has insufficient PID available"});

  private NodeObjects() {
  }

  /** The Node to register: metadata (labels, annotations) and spec; status comes with {@link #status}. */
  public static ObjectNode node(KubeletConfig c) {
    ObjectNode node = Json.object().put("apiVersion", "v1").put("kind", "Node");
    ObjectNode meta = node.putObject("metadata").put("name", c.nodeName());
    labels(meta.putObject("labels"), c);
    meta.putObject("annotations").put("node.alpha.kubernetes.io/ttl", "0")
        .put("volumes.kubernetes.io/controller-managed-attach-detach", "true");
    node.putObject("spec");
    return node;
  }

  /** Adds the kubelet's well-known labels to {@code labels}. */
  public static void labels(ObjectNode labels, KubeletConfig c) {
    String arch = arch();
    labels.put("kubernetes.io/hostname", c.nodeName()).put("kubernetes.io/os", "linux")
        .put("kubernetes.io/arch", arch).put("beta.kubernetes.io/os", "linux").put("beta.kubernetes.io/arch", arch)
        .put("node.dekube.io/runtime", c.runtime());
    c.labels().forEach(labels::put);
  }

  /**
   * The Node's status as a merge patch over {@code current} (the Node as last seen, or null): capacity =
   * allocatable, Ready and the pressure conditions, addresses, port, node info. As kube's kubelet, it
   * leaves the extended resources an operator added to the capacity (e.g. {@code example.com/dongle}
   * by a JSON patch of {@code status}) where they are and makes them allocatable, and drops extended
   * resources from the allocatable once they are gone from the capacity.
   */
  public static ObjectNode status(KubeletConfig c, int kubeletPort, Instant now, String bootId, JsonNode current) {
    return status(c, kubeletPort, now, bootId, current, List.of());
  }

  /**
   * As above, the conditions of {@code pressure} ({@code MemoryPressure}, {@code DiskPressure}, {@code PIDPressure}:
   * the eviction manager's) True with kube's setters' reasons and messages ({@code KubeletHasInsufficientMemory}
   * "kubelet has insufficient memory available", {@code KubeletHasDiskPressure} "kubelet has disk pressure", {@code
   * KubeletHasInsufficientPID} "kubelet has insufficient PID available"), the others False.
   */
  public static ObjectNode status(KubeletConfig c, int kubeletPort, Instant now, String bootId, JsonNode current,
                                  java.util.Collection<String> pressure) {
    ObjectNode s = Json.object();
    ObjectNode capacity = s.putObject("capacity").put("cpu", c.cpu()).put("memory", c.memory())
        .put("pods", Integer.toString(c.maxPods())).put("ephemeral-storage", "100Gi");
    ObjectNode allocatable = capacity.deepCopy();
    s.set("allocatable", allocatable);
    JsonNode had = current == null ? Json.object() : current.path("status");
    had.path("capacity").fields().forEachRemaining(e -> {
      if (isExtendedResource(e.getKey())) {
        allocatable.set(e.getKey(), e.getValue());
      }
    });
    had.path("allocatable").fieldNames().forEachRemaining(name -> {
      if (isExtendedResource(name) && !had.path("capacity").has(name)) {
        allocatable.putNull(name);
      }
    });
    ArrayNode conditions = s.putArray("conditions");
    String heartbeat = time(now);
    for (String[] p : PRESSURE) {
      boolean under = pressure.contains(p[0]);
      String status = under ? "True" : "False";
      condition(conditions, p[0], status, under ? p[3] : p[1], under ? p[4] : p[2], heartbeat,
          since(had, p[0], status, now));
    }
    condition(conditions, "Ready", "True", "KubeletReady", "kubelet is posting ready status", heartbeat,
        since(had, "Ready", "True", now));
    ArrayNode addresses = s.putArray("addresses");
    addresses.addObject().put("type", "InternalIP").put("address", c.nodeIp());
    addresses.addObject().put("type", "Hostname").put("address", c.nodeName());
    s.putObject("daemonEndpoints").putObject("kubeletEndpoint").put("Port", Math.max(kubeletPort, 0));
    String machineId = UUID.nameUUIDFromBytes(c.nodeName().getBytes(java.nio.charset.StandardCharsets.UTF_8))
        .toString().replace("-", "");
    s.putObject("nodeInfo").put("machineID", machineId).put("systemUUID", machineId).put("bootID", bootId)
        .put("kernelVersion", System.getProperty("os.version", "")).put("osImage", "dekube " + c.runtime() + " node")
        .put("containerRuntimeVersion", c.runtime() + "://dekube").put("kubeletVersion", KubeletConfig.KUBELET_VERSION)
        .put("kubeProxyVersion", KubeletConfig.KUBELET_VERSION).put("operatingSystem", "linux")
        .put("architecture", arch());
    return s;
  }

  /** Adds the node's {@code images} ({@link #images}) to a status; left out when there are none. */
  public static void putImages(ObjectNode status, List<RuntimeImage> held) {
    ArrayNode images = images(held);
    if (!images.isEmpty()) {
      status.set("images", images);
    }
  }

  /** kube's {@code --node-status-max-images} default: the status lists the 50 largest images. */
  static final int MAX_IMAGES = 50;
  /** kube's {@code MaxNamesPerImageInNodeStatus}. */
  static final int MAX_NAMES = 5;

  /**
   * The images of a jvm node: one per image the node pulled — its digest reference, then its tag references — that
   * weighs what the real image it stands for does ({@link ImageSizes}), as its {@code Pulled} event says; an image the
   * runtime does not know is not listed.
   */
  public static List<RuntimeImage> builtIn(List<String> pulled) {
    Map<String, TreeSet<String>> tags = new TreeMap<>();
    Map<String, Long> sizes = new HashMap<>();
    for (String image : pulled) {
      String id = JvmRuntime.imageId(image);
      if (id != null) {
        tags.computeIfAbsent(id, k -> new TreeSet<>()).add(ImageRef.normalized(image));
        sizes.put(id, ImageSizes.of(image));
      }
    }
    List<RuntimeImage> out = new ArrayList<>();
    tags.forEach((id, refs) -> {
      List<String> names = new ArrayList<>();
      names.add(id);
      names.addAll(refs);
      out.add(new RuntimeImage(id, names, sizes.get(id)));
    });
    return out;
  }

  /**
   * The node's {@code status.images} as kube's kubelet sets them (its {@code Images} setter) from the images the
   * runtime holds: at most 5 names each, with {@code sizeBytes}, the largest first (ties by id, descending, as the
   * image manager sorts them), at most 50.
   */
  public static ArrayNode images(List<RuntimeImage> held) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    held.stream().sorted(Comparator.comparingLong(RuntimeImage::size).reversed()
            .thenComparing(RuntimeImage::id, Comparator.reverseOrder()))
        .limit(MAX_IMAGES).forEach(i -> {
          ObjectNode entry = out.addObject();
          ArrayNode n = entry.putArray("names");
          i.names().stream().limit(MAX_NAMES).forEach(n::add);
          entry.put("sizeBytes", i.size());
        });
    return out;
  }

  /** Whether the Node as last seen lacks images this kubelet now has: a status update is due. */
  public static boolean imagesBehind(JsonNode node, List<RuntimeImage> held) {
    ArrayNode want = images(held);
    return node != null && !want.isEmpty() && !want.equals(node.path("status").path("images"));
  }

  /**
   * A condition's {@code lastTransitionTime} as kube's setters keep it: the one it had when its status is
   * unchanged, else now (new, or changed, e.g. from the node lifecycle controller's Unknown).
   */
  private static String since(JsonNode status, String type, String posted, Instant now) {
    JsonNode had = condition(status, type);
    return had != null && posted.equals(had.path("status").asText()) && had.hasNonNull("lastTransitionTime")
        ? had.path("lastTransitionTime").asText() : time(now);
  }

  /** The Node's Ready condition's status, or null when it has none. */
  public static JsonNode readyStatus(JsonNode node) {
    JsonNode c = condition(node.path("status"), "Ready");
    return c == null ? null : c.path("status");
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  /**
   * The Node events kube's kubelet records for its conditions' changes between {@code before} (the Node's
   * status as last seen) and {@code posted} (the status written now), in the setters' order: a pressure
   * condition turned False is {@code NodeHasSufficientMemory}, {@code NodeHasNoDiskPressure},
   * {@code NodeHasSufficientPID}; Ready turned True is {@code NodeReady}, else {@code NodeNotReady}. As
   * kube's ReadyCondition setter, a Ready condition the Node did not have yet records nothing; a pressure
   * condition it did not have is left to the start's events ({@code NodeAgent}), so that an informer
   * that has not seen the kubelet's first status yet does not repeat them.
   */
  public static List<String> conditionEvents(JsonNode before, JsonNode posted) {
    List<String> out = new ArrayList<>();
    for (String[] t : List.of(new String[] {"MemoryPressure", "NodeHasSufficientMemory", "NodeHasInsufficientMemory"},
        new String[] {"DiskPressure", "NodeHasNoDiskPressure", "NodeHasDiskPressure"},
        new String[] {"PIDPressure", "NodeHasSufficientPID", "NodeHasInsufficientPID"},
        new String[] {"Ready", "NodeNotReady", "NodeReady"})) {
      JsonNode had = before == null ? null : condition(before, t[0]);
      JsonNode now = condition(posted, t[0]);
      if (had != null && now != null && !had.path("status").asText().equals(now.path("status").asText())) {
        out.add("True".equals(now.path("status").asText()) ? t[2] : t[1]);
      }
    }
    return out;
  }

  /**
   * Whether {@code current}'s allocatable misses an extended resource of its capacity, or keeps one the
   * capacity no longer has (kube's kubelet mends that at its next status update).
   */
  public static boolean allocatableBehind(JsonNode current) {
    if (current == null) {
      return false;
    }
    JsonNode capacity = current.path("status").path("capacity");
    JsonNode allocatable = current.path("status").path("allocatable");
    java.util.Set<String> want = new java.util.TreeSet<>();
    java.util.Set<String> have = new java.util.TreeSet<>();
    capacity.fields().forEachRemaining(e -> {
      if (isExtendedResource(e.getKey())) {
        want.add(e.getKey() + "=" + e.getValue().asText());
      }
    });
    allocatable.fields().forEachRemaining(e -> {
      if (isExtendedResource(e.getKey())) {
        have.add(e.getKey() + "=" + e.getValue().asText());
      }
    });
    return !want.equals(have);
  }

  /**
   * kube's {@code IsExtendedResourceName}: a resource name with a domain outside {@code kubernetes.io}
   * ({@code example.com/dongle}), not a quota's {@code requests.} name.
   */
  static boolean isExtendedResource(String name) {
    return name.contains("/") && !name.contains("kubernetes.io/") && !name.startsWith("requests.");
  }

  private static void condition(ArrayNode list, String type, String status, String reason, String message,
                                String heartbeat, String since) {
    list.addObject().put("type", type).put("status", status).put("lastHeartbeatTime", heartbeat)
        .put("lastTransitionTime", since).put("reason", reason).put("message", message);
  }

  /** The node's Lease (coordination.k8s.io/v1) renewed at {@code now}, owned by the Node. */
  public static ObjectNode lease(KubeletConfig c, String nodeUid, Instant now) {
    ObjectNode lease = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
    ObjectNode meta = lease.putObject("metadata").put("name", c.nodeName()).put("namespace", LEASE_NAMESPACE);
    if (nodeUid != null && !nodeUid.isEmpty()) {
      meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
          .put("name", c.nodeName()).put("uid", nodeUid);
    }
    lease.putObject("spec").put("holderIdentity", c.nodeName())
        .put("leaseDurationSeconds", (int) Math.max(1, c.leaseDuration().toSeconds()))
        .put("renewTime", MICRO.format(now));
    return lease;
  }

  /** A Kubernetes timestamp (seconds). */
  public static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A MicroTime, as Lease renewTime carries it. */
  public static String microTime(Instant t) {
    return MICRO.format(t);
  }

  static String arch() {
    String a = System.getProperty("os.arch", "amd64").toLowerCase(Locale.ROOT);
    return switch (a) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> a;
    };
  }
}
