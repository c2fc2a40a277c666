package io.dekube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a runtime needs to start one container: the pod's identity and addresses, the container's
 * spec, its resolved environment, its log file, its working folder, the host folders of its
 * volume mounts (mount path → folder), and the pod's {@code /etc/hosts} as the kubelet writes it (null:
 * localhost and the pod's own name only), and the pod's spec (null: none known; its securityContext, its other
 * containers and whether they share a process namespace).
 */
public record ContainerSpec(String namespace, String podName, String podUid, String nodeName, String podIp,
                            Container container, Map<String, String> env, Path logFile, Path workDir,
                            Map<String, Path> mounts, String id, String etcHosts, PodSpec podSpec) {

  /** Without a pod securityContext. */
  public ContainerSpec(String namespace, String podName, String podUid, String nodeName, String podIp,
                       Container container, Map<String, String> env, Path logFile, Path workDir,
                       Map<String, Path> mounts, String id, String etcHosts) {
    this(namespace, podName, podUid, nodeName, podIp, container, env, logFile, workDir, mounts, id, etcHosts, null);
  }

  /** Without a hosts file of the kubelet's. */
  public ContainerSpec(String namespace, String podName, String podUid, String nodeName, String podIp,
                       Container container, Map<String, String> env, Path logFile, Path workDir,
                       Map<String, Path> mounts, String id) {
    this(namespace, podName, podUid, nodeName, podIp, container, env, logFile, workDir, mounts, id, null);
  }

  /** This spec with the host folders of its volume mounts ({@code mounts}: mount path → node path). */
  public ContainerSpec withMounts(Map<String, Path> mounts) {
    return new ContainerSpec(namespace, podName, podUid, nodeName, podIp, container, env, logFile, workDir, mounts, id,
        etcHosts, podSpec);
  }

  /** The pod's securityContext, or null. */
  public PodSecurityContext podSecurity() {
    return podSpec == null ? null : podSpec.getSecurityContext();
  }

  /** The container's ports (containerPort values), in order. */
  public List<Integer> ports() {
    return container.getPorts() == null ? List.of()
        : container.getPorts().stream().map(p -> p.getContainerPort()).filter(p -> p != null).toList();
  }

  /** The container's own folder on the node ({@code <pod folder>/<container>/root}): its default working folder. */
  public Path rootDir() {
    return logFile.getParent().resolve("root");
  }

  public String image() {
    return container.getImage() == null ? "" : container.getImage();
  }
}
