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
      } else if (v.getSecret() != null) {
        ObjectNode secret = lookup.secret(ns, v.getSecret().getSecretName());
        if (secret == null && !Boolean.TRUE.equals(v.getSecret().getOptional())) {
          throw new ContainerStartException("CreateContainerConfigError",
              "secret \"" + v.getSecret().getSecretName() + "\" not found");
        }
      }
      Map<String, String> files = contents(pod, v, lookup, podIp, hostIp);
      if (files != null) {
        sync(dir, files);
      }
      if (v.getProjected() != null && v.getProjected().getSources() != null) {
        for (VolumeProjection p : v.getProjected().getSources()) {
          if (p.getServiceAccountToken() != null) {
            writeToken(dir, pod, p, tokens);
          }
        }
      }
    }
    return dirs;
  }

  /**
   * Writes the configMap, secret, downwardAPI and projected volumes of {@code pod} again from the objects as
   * they are now, as the kubelet's periodic sync does: a changed key's file is replaced (through a rename, so a
   * reader sees the old or the new content), a new key's written, a removed key's deleted; a ConfigMap or
   * Secret that is gone leaves its volume as it was. {@code dirs} are the folders {@link #prepare} answered.
   */
  public static void refresh(Pod pod, Map<String, Path> dirs, EnvBuilder.Lookup lookup, String podIp, String hostIp)
      throws IOException {
    if (pod.getSpec().getVolumes() == null) {
      return;
    }
    for (Volume v : pod.getSpec().getVolumes()) {
      Path dir = dirs.get(v.getName());
      Map<String, String> files = dir == null ? null : contents(pod, v, lookup, podIp, hostIp);
      if (files != null && sourcesThere(pod.getMetadata().getNamespace(), v, lookup)) {
        sync(dir, files);
      }
    }
  }

  /** Whether every ConfigMap and Secret the volume reads is there. */
  private static boolean sourcesThere(String ns, Volume v, EnvBuilder.Lookup lookup) {
    List<String[]> refs = new java.util.ArrayList<>();
    if (v.getConfigMap() != null) {
      refs.add(new String[] {"cm", v.getConfigMap().getName()});
    }
    if (v.getSecret() != null) {
      refs.add(new String[] {"secret", v.getSecret().getSecretName()});
    }
    if (v.getProjected() != null && v.getProjected().getSources() != null) {
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getConfigMap() != null) {
          refs.add(new String[] {"cm", p.getConfigMap().getName()});
        }
        if (p.getSecret() != null) {
          refs.add(new String[] {"secret", p.getSecret().getName()});
        }
      }
    }
    return refs.stream().allMatch(r -> (r[0].equals("cm") ? lookup.configMap(ns, r[1]) : lookup.secret(ns, r[1])) != null);
  }

  /**
   * What a configMap, secret, downwardAPI or projected volume holds: file path → content (a projected token's
   * path → null: its file is written apart); null for the other kinds.
   */
  private static Map<String, String> contents(Pod pod, Volume v, EnvBuilder.Lookup lookup, String podIp,
                                              String hostIp) {
    String ns = pod.getMetadata().getNamespace();
    Map<String, String> files = new LinkedHashMap<>();
    if (v.getConfigMap() != null) {
      ObjectNode cm = lookup.configMap(ns, v.getConfigMap().getName());
      keys(files, cm == null ? Map.of() : configMapData(cm), v.getConfigMap().getItems());
    } else if (v.getSecret() != null) {
      ObjectNode secret = lookup.secret(ns, v.getSecret().getSecretName());
      keys(files, secret == null ? Map.of() : EnvBuilder.secretData(secret), v.getSecret().getItems());
    } else if (v.getDownwardAPI() != null) {
      downward(files, pod, v.getDownwardAPI().getItems(), podIp, hostIp);
    } else if (v.getProjected() != null && v.getProjected().getSources() != null) {
      for (VolumeProjection p : v.getProjected().getSources()) {
        projection(files, pod, p, lookup, podIp, hostIp);
      }
    } else {
      return null;
    }
    return files;
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

  private static void projection(Map<String, String> files, Pod pod, VolumeProjection p, EnvBuilder.Lookup lookup,
                                 String podIp, String hostIp) {
    String ns = pod.getMetadata().getNamespace();
    if (p.getConfigMap() != null) {
      ObjectNode cm = lookup.configMap(ns, p.getConfigMap().getName());
      keys(files, cm == null ? Map.of() : configMapData(cm), p.getConfigMap().getItems());
    }
    if (p.getSecret() != null) {
      ObjectNode s = lookup.secret(ns, p.getSecret().getName());
      keys(files, s == null ? Map.of() : EnvBuilder.secretData(s), p.getSecret().getItems());
    }
    if (p.getDownwardAPI() != null) {
      downward(files, pod, p.getDownwardAPI().getItems(), podIp, hostIp);
    }
    if (p.getServiceAccountToken() != null) {
      String path = p.getServiceAccountToken().getPath() == null ? "token" : p.getServiceAccountToken().getPath();
      files.put(path, null);
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

  private static void keys(Map<String, String> files, Map<String, String> data, List<KeyToPath> items) {
    if (items == null || items.isEmpty()) {
      files.putAll(data);
      return;
    }
    for (KeyToPath item : items) {
      String value = data.get(item.getKey());
      if (value != null) {
        files.put(item.getPath(), value);
      }
    }
  }

  private static void downward(Map<String, String> files, Pod pod, List<DownwardAPIVolumeFile> items, String podIp,
                               String hostIp) {
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile f : items) {
      if (f.getFieldRef() != null) {
        String value = PodFields.value(pod, f.getFieldRef().getFieldPath(), podIp, hostIp);
        files.put(f.getPath(), value == null ? "" : value);
      }
    }
  }

  /**
   * Makes {@code dir} hold {@code files}: each file whose content differs written through a temporary file and
   * a rename, files no longer there deleted (paths mapped to null are kept as they are).
   */
  private static void sync(Path dir, Map<String, String> files) throws IOException {
    java.util.Set<Path> wanted = new java.util.HashSet<>();
    for (var e : files.entrySet()) {
      Path file = dir.resolve(e.getKey()).normalize();
      if (!file.startsWith(dir) || file.equals(dir)) {
        continue;
      }
      wanted.add(file);
      if (e.getValue() == null) {
        continue;
      }
      byte[] content = e.getValue().getBytes(StandardCharsets.UTF_8);
      if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), content)) {
        continue;
      }
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".update", ".tmp");
      try {
        Files.write(tmp, content);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    List<Path> stale;
    try (var walk = Files.walk(dir)) {
      stale = walk.filter(Files::isRegularFile).filter(f -> !wanted.contains(f))
          .filter(f -> !f.getFileName().toString().startsWith(".")).toList();
    }
    for (Path f : stale) {
      Files.deleteIfExists(f);
    }
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
