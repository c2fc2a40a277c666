package io.dekube.kubelet.runtime.docker;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The engine's create bodies of a pod's containers, as kube's dockershim made them: names
 * {@code k8s_<container>_<pod>_<namespace>_<uid>_<attempt>} ({@code k8s_POD_…} for the sandbox), its labels
 * ({@code io.kubernetes.pod.name}…), {@code command} as Entrypoint and {@code args} as Cmd (the image's Cmd is dropped
 * when a command is given, its Entrypoint kept when only args are), the security context, {@code resources} as CPU
 * shares (requests), CFS quota and memory (limits), volumes as bind mounts. Pure.
 */
final class DockerSpecs {

  /** Marks what a kubelet of this node made, for its garbage collection. */
  static final String NODE_LABEL = "io.dekube.node";
  static final String TYPE_LABEL = "io.kubernetes.docker.type";
  static final String UID_LABEL = "io.kubernetes.pod.uid";
  static final String CONTAINER_LABEL = "io.kubernetes.container.name";
  /** The attempt a container was made for: kube's annotation, a label here (dockershim kept annotations as labels). */
  static final String RESTART_COUNT_LABEL = "io.kubernetes.container.restartCount";
  /**
   * dekube's mark of a regular init container, whose ended run the engine keeps (as kube's CRI keeps exited
   * containers) so that a restarted kubelet does not run it again; kube tells init containers by the pod's spec.
   */
  static final String INIT_LABEL = "io.dekube.container.init";
  /** dockershim's CFS period (100 ms) and its least quota and shares. */
  static final long CPU_PERIOD = 100_000;
  static final long MIN_QUOTA = 1000;
  static final long MIN_SHARES = 2;

  private DockerSpecs() {
  }

  /** The engine name of a container ({@code container} "POD" for the sandbox). */
  static String name(String container, ContainerSpec s, int attempt) {
    return "k8s_" + container + "_" + s.podName() + "_" + s.namespace() + "_" + s.podUid() + "_" + attempt;
  }

  /** The labels of a pod's container (type {@code container}) or sandbox ({@code podsandbox}). */
  static JsonObject labels(ContainerSpec s, String type, String node) {
    JsonObject l = new JsonObject().put("io.kubernetes.pod.name", s.podName())
        .put("io.kubernetes.pod.namespace", s.namespace()).put(UID_LABEL, s.podUid()).put(TYPE_LABEL, type)
        .put(NODE_LABEL, node);
    if (type.equals("container")) {
      l.put(CONTAINER_LABEL, s.container().getName()).put(RESTART_COUNT_LABEL, String.valueOf(attempt(s)));
      if (regularInit(s)) {
        l.put(INIT_LABEL, "true");
      }
    } else {
      l.put(CONTAINER_LABEL, "POD");
    }
    return l;
  }

  /** Whether the spec's container is one of its pod's init containers that is not a sidecar. */
  static boolean regularInit(ContainerSpec s) {
    return s.podSpec() != null && s.podSpec().getInitContainers() != null && s.podSpec().getInitContainers().stream()
        .anyMatch(c -> c.getName().equals(s.container().getName()) && !"Always".equals(c.getRestartPolicy()));
  }

  /** Whether the pod uses the node's network. */
  static boolean hostNetwork(ContainerSpec s) {
    return s.podSpec() != null && Boolean.TRUE.equals(s.podSpec().getHostNetwork());
  }

  /** The pod's hostname: {@code spec.hostname}, else its name, at most 63 characters (kube's truncation). */
  static String hostname(ContainerSpec s) {
    String h = s.podSpec() != null && s.podSpec().getHostname() != null && !s.podSpec().getHostname().isEmpty()
        ? s.podSpec().getHostname() : s.podName();
    h = h.length() > 63 ? h.substring(0, 63) : h;
    return h.replaceAll("[-.]+$", "");
  }

  /** The sandbox: the pause image on the node's network with the pod's IP (or the node's network namespace). */
  static JsonObject sandbox(ContainerSpec s, String image, String network, String node) {
    JsonObject host = new JsonObject();
    JsonObject body = new JsonObject().put("Image", image).put("Labels", labels(s, "podsandbox", node));
    if (hostNetwork(s)) {
      host.put("NetworkMode", "host");
    } else {
      body.put("Hostname", hostname(s));
      host.put("NetworkMode", network).put("IpcMode", "shareable");
      body.put("NetworkingConfig", new JsonObject().put("EndpointsConfig", new JsonObject().put(network,
          new JsonObject().put("IPAMConfig", new JsonObject().put("IPv4Address", s.podIp())))));
      PodSecurityContext psc = s.podSecurity();
      if (psc != null && psc.getSysctls() != null && !psc.getSysctls().isEmpty()) {
        JsonObject sysctls = new JsonObject();
        psc.getSysctls().forEach(x -> sysctls.put(x.getName(), x.getValue()));
        host.put("Sysctls", sysctls);
      }
    }
    return body.put("HostConfig", host);
  }

  /** Files the kubelet writes for a container, bind-mounted over the image's (null: none). */
  record PodFiles(Path hosts, Path resolvConf, Path terminationLog) {
  }

  /**
   * An app container joining {@code sandboxId}'s namespaces; {@code joinUts}: its UTS namespace too (Podman, which
   * does not give a container on another's network that one's hostname, as Docker does — and Docker refuses it).
   */
  static JsonObject container(ContainerSpec s, String sandboxId, String node, PodFiles files, boolean joinUts) {
    Container c = s.container();
    JsonObject body = new JsonObject().put("Image", s.image()).put("Labels", labels(s, "container", node));
    List<String> command = c.getCommand() == null ? List.of() : c.getCommand();
    List<String> args = c.getArgs() == null ? List.of() : c.getArgs();
    if (!command.isEmpty()) {
      body.put("Entrypoint", new JsonArray(command)).put("Cmd", new JsonArray(args));
    } else if (!args.isEmpty()) {
      body.put("Cmd", new JsonArray(args));
    }
    JsonArray env = new JsonArray();
    s.env().forEach((k, v) -> {
      if (!k.startsWith("DEKUBE_")) { // the jvm runtime's resolver settings: a real container reads resolv.conf
        env.add(k + "=" + v);
      }
    });
    body.put("Env", env);
    if (c.getWorkingDir() != null && !c.getWorkingDir().isEmpty()) {
      body.put("WorkingDir", c.getWorkingDir());
    }
    body.put("Tty", Boolean.TRUE.equals(c.getTty())).put("OpenStdin", Boolean.TRUE.equals(c.getStdin()))
        .put("StdinOnce", Boolean.TRUE.equals(c.getStdinOnce())).put("AttachStdin", Boolean.TRUE.equals(c.getStdin()))
        .put("AttachStdout", true).put("AttachStderr", true);
    String user = user(c.getSecurityContext(), s.podSecurity());
    if (user != null) {
      body.put("User", user);
    }
    JsonObject host = new JsonObject();
    String join = "container:" + sandboxId;
    host.put("NetworkMode", join).put("IpcMode", join);
    if (joinUts) {
      host.put("UTSMode", join); // the pod's hostname, as with Docker
    }
    if (s.podSpec() != null && Boolean.TRUE.equals(s.podSpec().getShareProcessNamespace())) {
      host.put("PidMode", join);
    }
    security(host, c.getSecurityContext(), s.podSecurity());
    resources(host, c);
    host.put("Binds", binds(s, files));
    return body.put("HostConfig", host);
  }

  /** {@code runAsUser[:runAsGroup]}, the container's over the pod's; null when neither says. */
  static String user(SecurityContext sc, PodSecurityContext psc) {
    Long uid = sc != null && sc.getRunAsUser() != null ? sc.getRunAsUser() : psc == null ? null : psc.getRunAsUser();
    Long gid = sc != null && sc.getRunAsGroup() != null ? sc.getRunAsGroup()
        : psc == null ? null : psc.getRunAsGroup();
    if (uid == null) {
      return null; // kube's runAsGroup alone needs the image's user, which the engine's "User" cannot keep
    }
    return gid == null ? uid.toString() : uid + ":" + gid;
  }

  private static void security(JsonObject host, SecurityContext sc, PodSecurityContext psc) {
    JsonArray groups = new JsonArray();
    if (psc != null) {
      if (psc.getFsGroup() != null) {
        groups.add(psc.getFsGroup().toString());
      }
      if (psc.getSupplementalGroups() != null) {
        psc.getSupplementalGroups().forEach(g -> groups.add(g.toString()));
      }
    }
    if (!groups.isEmpty()) {
      host.put("GroupAdd", groups);
    }
    if (sc == null) {
      return;
    }
    if (Boolean.TRUE.equals(sc.getPrivileged())) {
      host.put("Privileged", true);
    }
    if (Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem())) {
      host.put("ReadonlyRootfs", true);
    }
    Capabilities caps = sc.getCapabilities();
    if (caps != null) {
      if (caps.getAdd() != null && !caps.getAdd().isEmpty()) {
        host.put("CapAdd", new JsonArray(caps.getAdd()));
      }
      if (caps.getDrop() != null && !caps.getDrop().isEmpty()) {
        host.put("CapDrop", new JsonArray(caps.getDrop()));
      }
    }
  }

  /** dockershim's figures: CPU shares from the request (2 at least), CFS quota from the limit, memory from the limit. */
  static void resources(JsonObject host, Container c) {
    Map<String, Quantity> requests = c.getResources() == null || c.getResources().getRequests() == null ? Map.of()
        : c.getResources().getRequests();
    Map<String, Quantity> limits = c.getResources() == null || c.getResources().getLimits() == null ? Map.of()
        : c.getResources().getLimits();
    Quantity cpuRequest = requests.getOrDefault("cpu", limits.get("cpu"));
    long shares = cpuRequest == null ? MIN_SHARES : Math.max(MIN_SHARES, milli(cpuRequest) * 1024 / 1000);
    host.put("CpuShares", shares);
    if (limits.get("cpu") != null) {
      host.put("CpuPeriod", CPU_PERIOD).put("CpuQuota", Math.max(MIN_QUOTA, milli(limits.get("cpu")) * CPU_PERIOD
          / 1000));
    }
    if (limits.get("memory") != null) {
      host.put("Memory", Quantity.getAmountInBytes(limits.get("memory")).longValue());
    }
  }

  private static long milli(Quantity q) {
    return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING)
        .longValue();
  }

  /** The volumes (read-only where the mount says), then the kubelet's hosts, resolv.conf and termination log. */
  static JsonArray binds(ContainerSpec s, PodFiles files) {
    JsonArray binds = new JsonArray();
    List<VolumeMount> mounts = s.container().getVolumeMounts() == null ? List.of() : s.container().getVolumeMounts();
    s.mounts().forEach((path, dir) -> {
      boolean ro = mounts.stream().anyMatch(m -> path.equals(m.getMountPath()) && Boolean.TRUE.equals(m.getReadOnly()));
      binds.add(host(dir) + ":" + path + (ro ? ":ro" : ""));
    });
    if (files != null) {
      if (files.hosts() != null && !s.mounts().containsKey("/etc/hosts")) {
        binds.add(host(files.hosts()) + ":/etc/hosts");
      }
      if (files.resolvConf() != null && !s.mounts().containsKey("/etc/resolv.conf")) {
        binds.add(host(files.resolvConf()) + ":/etc/resolv.conf");
      }
      String path = s.container().getTerminationMessagePath();
      if (files.terminationLog() != null && path != null && !path.isEmpty() && !s.mounts().containsKey(path)) {
        binds.add(host(files.terminationLog()) + ":" + path);
      }
    }
    return binds;
  }

  /**
   * A bind's host side: absolute, since the engine resolves a relative path against its own working folder, not the
   * kubelet's (`./dekube up` keeps its data in the relative {@code .dekube}).
   */
  private static String host(java.nio.file.Path p) {
    return p.toAbsolutePath().normalize().toString();
  }

  /** The attempt of a run, from its log file's name ({@code <restartCount>.log}); 0 when it says none. */
  static int attempt(ContainerSpec s) {
    String f = s.logFile().getFileName().toString();
    try {
      return Integer.parseInt(f.substring(0, f.indexOf('.') < 0 ? f.length() : f.indexOf('.')));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
