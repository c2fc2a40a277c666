package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DownwardAPIVolumeFile;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A pod's volumes as folders under its pod folder ({@code volumes/<name>}): {@code emptyDir},
 * {@code configMap}, {@code secret}, {@code downwardAPI} and {@code projected} (configMap, secret,
 * downwardAPI sources; a serviceAccountToken source gets the token of the pod's service account
 * Secret when one exists); a {@code persistentVolumeClaim} volume is its bound volume's folder
 * ({@link ClaimVolumes}). Blocking file I/O: call from a worker thread.
 */
public final class Volumes {

  private Volumes() {
  }

  /** Where the token of a projected {@code serviceAccountToken} source comes from; blocking allowed. */
  @FunctionalInterface
  public interface TokenSource {
    /** The token for the pod, "" when there is none to be had (yet). */
    String token(Pod pod, io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection projection);
  }

  /** No tokens: the token files are written empty. */
  public static final TokenSource NO_TOKENS = (pod, p) -> "";

  /** Writes every volume of the pod, token files empty; answers volume name → folder. */
  public static Map<String, Path> prepare(Pod pod, Path podDir, EnvBuilder.Lookup lookup, String podIp, String hostIp)
      throws IOException {
    return prepare(pod, podDir, lookup, NO_TOKENS, podIp, hostIp);
  }

  /**
   * Writes the token file of every projected {@code serviceAccountToken} source again (the kubelet
   * renews tokens before they expire); {@code dirs} are the folders {@link #prepare} answered.
   */
  public static void refreshTokens(Pod pod, Map<String, Path> dirs, TokenSource tokens) throws IOException {
    if (pod.getSpec().getVolumes() == null) {
      return;
    }
    for (Volume v : pod.getSpec().getVolumes()) {
      Path dir = dirs.get(v.getName());
      if (dir == null || v.getProjected() == null || v.getProjected().getSources() == null) {
        continue;
      }
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getServiceAccountToken() != null) {
          writeToken(dir, pod, p, tokens);
        }
      }
    }
  }

  /** Writes every volume of the pod; answers volume name → folder. */
  public static Map<String, Path> prepare(Pod pod, Path podDir, EnvBuilder.Lookup lookup, TokenSource tokens,
                                          String podIp, String hostIp) throws IOException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() == null) {
      return dirs;
    }
    String ns = pod.getMetadata().getNamespace();
    for (Volume v : pod.getSpec().getVolumes()) {
      if (v.getPersistentVolumeClaim() != null) {
        dirs.put(v.getName(), ClaimVolumes.folder(ns, v.getPersistentVolumeClaim().getClaimName(), lookup));
        continue;
      }
      Path dir = podDir.resolve("volumes").resolve(v.getName());
      Files.createDirectories(dir);
      dirs.put(v.getName(), dir);
      if (v.getEmptyDir() != null) {
        emptyDirMode(dir, pod.getSpec().getSecurityContext());
      }
      if (v.getConfigMap() != null) {
        ObjectNode cm = lookup.configMap(ns, v.getConfigMap().getName());
        if (cm == null && !Boolean.TRUE.equals(v.getConfigMap().getOptional())) {
          throw new ContainerStartException("CreateContainerConfigError",
              "configmap \"" + v.getConfigMap().getName() + "\" not found");
        }
        writeKeys(dir, cm == null ? Map.of() : configMapData(cm), v.getConfigMap().getItems());
      } else if (v.getSecret() != null) {
        ObjectNode secret = lookup.secret(ns, v.getSecret().getSecretName());
        if (secret == null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
          throw new ContainerStartException("CreateContainerConfigError",
              "secret \"" + v.getSecret().getSecretName() + "\" not found");
        }
        writeKeys(dir, secret == null ? Map.of() : EnvBuilder.secretData(secret), v.getSecret().getItems());
      } else if (v.getDownwardAPI() != null) {
        downward(dir, pod, v.getDownwardAPI().getItems(), podIp, hostIp);
      } else if (v.getProjected() != null && v.getProjected().getSources() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          projection(dir, pod, p, lookup, tokens, podIp, hostIp);
        }
      }
    }
    return dirs;
  }

  /**
   * An emptyDir is {@code drwxrwxrwx} as kube makes it; with the pod's {@code fsGroup} its group is that group
   * and its setgid bit is set ({@code drwxrwsrwx root 2000}), so what is made inside belongs to the group.
   * Where the node's file system keeps no such attributes, or the kubelet may not change a group, it stays as made.
   */
  public static void emptyDirMode(Path dir, io.fabric8.kubernetes.api.model.PodSecurityContext sc) {
    Long fsGroup = sc == null ? null : sc.getFsGroup();
    try {
      if (fsGroup != null) {
        Files.setAttribute(dir, "unix:gid", fsGroup.intValue());
      }
      Files.setAttribute(dir, "unix:mode", fsGroup != null ? 02777 : 0777);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      // a file system without unix attributes, or no right to change the group: the folder stays as made
    }
  }

  private static void projection(Path dir, Pod pod, VolumeProjection p, EnvBuilder.Lookup lookup, TokenSource tokens,
                                 String podIp, String hostIp) throws IOException {
    String ns = pod.getMetadata().getNamespace();
    if (p.getConfigMap() != null) {
      ObjectNode cm = lookup.configMap(ns, p.getConfigMap().getName());
      writeKeys(dir, cm == null ? Map.of() : configMapData(cm), p.getConfigMap().getItems());
    }
    if (p.getSecret() != null) {
      ObjectNode s = lookup.secret(ns, p.getSecret().getName());
      writeKeys(dir, s == null ? Map.of() : EnvBuilder.secretData(s), p.getSecret().getItems());
    }
    if (p.getDownwardAPI() != null) {
      downward(dir, pod, p.getDownwardAPI().getItems(), podIp, hostIp);
    }
    if (p.getServiceAccountToken() != null) {
      writeToken(dir, pod, p, tokens);
    }
  }

  /** Replaces the token file through a temporary file and a rename, so a reader never sees half a token. */
  private static void writeToken(Path dir, Pod pod, VolumeProjection p, TokenSource tokens) throws IOException {
    String path = p.getServiceAccountToken().getPath() == null ? "token" : p.getServiceAccountToken().getPath();
    Path file = dir.resolve(path).normalize();
    if (!file.startsWith(dir)) {
      return;
    }
    String token = tokens.token(pod, p.getServiceAccountToken());
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), ".token", ".tmp");
    try {
      Files.writeString(tmp, token == null ? "" : token, StandardCharsets.UTF_8);
      Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static Map<String, String> configMapData(ObjectNode cm) {
    Map<String, String> data = new LinkedHashMap<>();
    cm.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    JsonNode binary = cm.path("binaryData");
    binary.fields().forEachRemaining(e -> data.put(e.getKey(), new String(
        java.util.Base64.getDecoder().decode(e.getValue().asText()), StandardCharsets.ISO_8859_1)));
    return data;
  }

  private static void writeKeys(Path dir, Map<String, String> data, List<KeyToPath> items) throws IOException {
    if (items == null || items.isEmpty()) {
      for (var e : data.entrySet()) {
        write(dir, e.getKey(), e.getValue());
      }
      return;
    }
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value != null) {
        write(dir, item.getPath(), value);
      }
    }
  }

  private static void downward(Path dir, Pod pod, List<DownwardAPIVolumeFile> items, String podIp, String hostIp)
      throws IOException {
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile f : items) {
      if (f.getFieldRef() != null) {
        write(dir, f.getPath(), PodFields.value(pod, f.getFieldRef().getFieldPath(), podIp, hostIp));
      }
    }
  }

  private static void write(Path dir, String relative, String content) throws IOException {
    Path file = dir.resolve(relative).normalize();
    if (!file.startsWith(dir)) {
      return;
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, content == null ? "" : content, StandardCharsets.UTF_8);
  }

  /** A container's mounts: mount path → host folder (with subPath). */
  public static Map<String, Path> mounts(Container c, Map<String, Path> volumes) {
    Map<String, Path> mounts = new LinkedHashMap<>();
    if (c.getVolumeMounts() == null) {
      return mounts;
    }
    for (VolumeMount m : c.getVolumeMounts()) {
      Path dir = volumes.get(m.getName());
      if (dir != null) {
        String sub = m.getSubPath();
        mounts.put(m.getMountPath(), sub == null || sub.isEmpty() ? dir : dir.resolve(sub).normalize());
      }
    }
    return mounts;
  }
}
