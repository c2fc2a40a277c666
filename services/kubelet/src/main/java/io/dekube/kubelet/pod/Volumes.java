package io.dekube.kubelet.pod;

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
 * ({@link ClaimVolumes}), a {@code hostPath} volume the machine's path ({@link #hostFolder}). Blocking file I/O: call
 * from a worker thread.
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

  /** Writes every volume of the pod, a node without allocatable resources; answers volume name → folder. */
  public static Map<String, Path> prepare(Pod pod, Path podDir, EnvBuilder.Lookup lookup, TokenSource tokens,
                                          String podIp, String hostIp) throws IOException {
    return prepare(pod, podDir, lookup, tokens, new EnvBuilder.PodInfo(podIp, hostIp, "0", "0"));
  }

  /**
   * Writes the token file of every projected {@code serviceAccountToken} source again (the kubelet
   * renews tokens before they expire), the volume's other files as they are; {@code dirs} are the folders
   * {@link #prepare} answered.
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
      Map<String, AtomicWriter.File> files = AtomicWriter.current(dir);
      int mode = mode(v.getProjected().getDefaultMode());
      for (VolumeProjection p : v.getProjected().getSources()) {
        if (p.getServiceAccountToken() != null) {
          files.put(tokenPath(p), token(pod, p, tokens, mode));
        }
      }
      AtomicWriter.write(dir, files, ownership(pod));
    }
  }

  /**
   * Writes every volume of the pod ({@code info}: its IP, its node's, and the node's allocatable cpu and memory,
   * which a downwardAPI {@code resourceFieldRef} of a container without limits reads); answers volume name → folder.
   */
  public static Map<String, Path> prepare(Pod pod, Path podDir, EnvBuilder.Lookup lookup, TokenSource tokens,
                                          EnvBuilder.PodInfo info) throws IOException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    if (pod.getSpec().getVolumes() == null) {
      return dirs;
    }
    String ns = pod.getMetadata().getNamespace();
    for (Volume v : pod.getSpec().getVolumes()) {
      if (v.getPersistentVolumeClaim() != null) {
        dirs.put(v.getName(), ClaimVolumes.folder(ns, v.getPersistentVolumeClaim().getClaimName(), v.getName(),
            lookup));
        continue;
      }
      if (v.getEphemeral() != null) {
        dirs.put(v.getName(), ClaimVolumes.ephemeral(pod, v, lookup));
        continue;
      }
      Path host = hostFolder(v);
      if (host != null) {
        dirs.put(v.getName(), host);
        continue;
      }
      Path dir = podDir.resolve("volumes").resolve(v.getName());
      boolean made = !Files.isDirectory(dir);
      Files.createDirectories(dir);
      dirs.put(v.getName(), dir);
      if (made && (v.getConfigMap() != null || v.getSecret() != null || v.getDownwardAPI() != null
          || v.getProjected() != null)) {
        rootMode(dir, v.getConfigMap() != null, pod.getSpec().getSecurityContext());
      }
      if (v.getEmptyDir() != null) {
        emptyDirMode(dir, pod.getSpec().getSecurityContext());
      }
      Map<String, AtomicWriter.File> files;
      try {
        files = contents(pod, v, lookup, tokens, info, dir);
      } catch (MissingSource e) {
        // kube's volume manager: the pod stays ContainerCreating and says why in FailedMount
        throw new ContainerStartException(ClaimVolumes.WAITING, "MountVolume.SetUp failed for volume \""
            + v.getName() + "\" : " + e.getMessage());
      }
      if (files != null) {
        AtomicWriter.write(dir, files, ownership(pod));
      }
    }
    return dirs;
  }

  /**
   * The machine's folder or file a {@code hostPath} volume names, when it is there (this node's file system is the
   * machine's): {@code kubectl debug node/...}'s {@code /host} is the machine's {@code /}. Null for another kind of
   * volume, or a path the machine does not have (the volume is then an empty folder of the pod's, as before: the
   * kubelet makes nothing on the machine). The jvm runtime mounts it read-only ({@code ContainerFs}).
   */
  public static Path hostFolder(Volume v) {
    if (v.getHostPath() == null || v.getHostPath().getPath() == null || !v.getHostPath().getPath().startsWith("/")) {
      return null;
    }
    Path p = Path.of(v.getHostPath().getPath()).normalize();
    return Files.exists(p) ? p : null;
  }

  /**
   * Writes the configMap, secret, downwardAPI and projected volumes of {@code pod} again from the objects as
   * they are now, as the kubelet's periodic sync does, through the {@link AtomicWriter} (a reader sees the old
   * or the new content, never half of each; nothing is written when nothing changed); a ConfigMap or Secret that
   * is gone leaves its volume as it was; token files stay as they are. {@code dirs} are the folders
   * {@link #prepare} answered.
   */
  public static void refresh(Pod pod, Map<String, Path> dirs, EnvBuilder.Lookup lookup, String podIp, String hostIp)
      throws IOException {
    refresh(pod, dirs, lookup, new EnvBuilder.PodInfo(podIp, hostIp, "0", "0"));
  }

  /** {@link #refresh} on a node of {@code info}'s allocatable resources. */
  public static void refresh(Pod pod, Map<String, Path> dirs, EnvBuilder.Lookup lookup, EnvBuilder.PodInfo info)
      throws IOException {
    if (pod.getSpec().getVolumes() == null) {
      return;
    }
    for (Volume v : pod.getSpec().getVolumes()) {
      Path dir = dirs.get(v.getName());
      if (dir == null || !sourcesThere(pod.getMetadata().getNamespace(), v, lookup)) {
        continue;
      }
      Map<String, AtomicWriter.File> files;
      try {
        files = contents(pod, v, lookup, null, info, dir);
      } catch (MissingSource e) {
        continue; // a key gone from its source: the volume stays as it was, as kube's failed remount leaves it
      }
      if (files != null) {
        AtomicWriter.write(dir, files, ownership(pod));
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
   * What a configMap, secret, downwardAPI or projected volume holds: file path → content and mode (the item's,
   * else the volume's {@code defaultMode}, else {@code 0644}); a projected token's content from {@code tokens}, or
   * with none as {@code dir} holds it now; null for the other kinds.
   */
  private static Map<String, AtomicWriter.File> contents(Pod pod, Volume v, EnvBuilder.Lookup lookup, TokenSource tokens,
                                                         EnvBuilder.PodInfo info, Path dir) throws IOException {
    String ns = pod.getMetadata().getNamespace();
    Map<String, AtomicWriter.File> files = new LinkedHashMap<>();
    if (v.getConfigMap() != null) {
      configMapKeys(files, lookup, ns, v.getConfigMap().getName(), v.getConfigMap().getOptional(),
          v.getConfigMap().getItems(), mode(v.getConfigMap().getDefaultMode()));
    } else if (v.getSecret() != null) {
      secretKeys(files, lookup, ns, v.getSecret().getSecretName(), v.getSecret().getOptional(),
          v.getSecret().getItems(), mode(v.getSecret().getDefaultMode()));
    } else if (v.getDownwardAPI() != null) {
      downward(files, pod, v.getDownwardAPI().getItems(), info, mode(v.getDownwardAPI().getDefaultMode()));
    } else if (v.getProjected() != null && v.getProjected().getSources() != null) {
      int mode = mode(v.getProjected().getDefaultMode());
      Map<String, AtomicWriter.File> now = tokens == null ? AtomicWriter.current(dir) : Map.of();
      for (VolumeProjection p : v.getProjected().getSources()) {
        projection(files, pod, p, lookup, info, mode);
        if (p.getServiceAccountToken() != null) {
          AtomicWriter.File token = tokens != null ? token(pod, p, tokens, mode) : now.get(tokenPath(p));
          files.put(tokenPath(p), token != null ? token : new AtomicWriter.File(new byte[0], mode));
        }
      }
    } else {
      return null;
    }
    return files;
  }

  /** A volume's {@code defaultMode} or an item's {@code mode}; {@code 0644} when not given. */
  private static int mode(Integer given) {
    return given == null ? 0644 : given & 07777;
  }

  /**
   * The root of a configMap volume is {@code drwxrwxrwx} (an emptyDir on the node's disk), of a secret,
   * downwardAPI or projected volume {@code drwxrwxrwt} (a tmpfs); the fsGroup's then.
   */
  private static void rootMode(Path dir, boolean onDisk, io.fabric8.kubernetes.api.model.PodSecurityContext sc) {
    try {
      Files.setAttribute(dir, "unix:mode", onDisk ? 0777 : 01777);
      if (sc != null && sc.getFsGroup() != null) {
        groupOwned(dir, sc.getFsGroup());
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      // a file system without unix attributes, or no right to change the group: the folder stays as made
    }
  }

  /**
   * With the pod's {@code fsGroup}, what the kubelet's {@code SetVolumeOwnership} does to a read-only volume's
   * new files: each entry's group is the fsGroup, files get read for the group ({@code 0400} becomes
   * {@code 0440}), folders read, search and setgid too. Nothing without fsGroup, or where groups cannot be given.
   */
  private static AtomicWriter.Perms ownership(Pod pod) {
    var sc = pod.getSpec().getSecurityContext();
    Long fsGroup = sc == null ? null : sc.getFsGroup();
    return folder -> {
      if (fsGroup == null) {
        return;
      }
      try (var all = Files.walk(folder)) {
        for (Path p : all.toList()) {
          groupOwned(p, fsGroup);
        }
      } catch (UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
        // as made
      }
    };
  }

  private static void groupOwned(Path p, long fsGroup) throws IOException {
    Files.setAttribute(p, "unix:gid", (int) fsGroup, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    boolean dir = Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) Files.getAttribute(p, "unix:mode");
    Files.setAttribute(p, "unix:mode", mode | 0440 | (dir ? 02110 : 0));
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

  private static void projection(Map<String, AtomicWriter.File> files, Pod pod, VolumeProjection p,
                                 EnvBuilder.Lookup lookup, EnvBuilder.PodInfo info, int mode) {
    String ns = pod.getMetadata().getNamespace();
    if (p.getConfigMap() != null) {
      configMapKeys(files, lookup, ns, p.getConfigMap().getName(), p.getConfigMap().getOptional(),
          p.getConfigMap().getItems(), mode);
    }
    if (p.getSecret() != null) {
      secretKeys(files, lookup, ns, p.getSecret().getName(), p.getSecret().getOptional(), p.getSecret().getItems(), mode);
    }
    if (p.getDownwardAPI() != null) {
      downward(files, pod, p.getDownwardAPI().getItems(), info, mode);
    }
  }

  private static String tokenPath(VolumeProjection p) {
    return p.getServiceAccountToken().getPath() == null ? "token" : p.getServiceAccountToken().getPath();
  }

  private static AtomicWriter.File token(Pod pod, VolumeProjection p, TokenSource tokens, int mode) {
    String token = tokens.token(pod, p.getServiceAccountToken());
    return new AtomicWriter.File((token == null ? "" : token).getBytes(StandardCharsets.UTF_8), mode);
  }

  /** A ConfigMap's keys and bytes: {@code data} as UTF-8, {@code binaryData} as it is. */
  private static Map<String, byte[]> configMapData(ObjectNode cm) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    cm.path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
        e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    cm.path("binaryData").fields().forEachRemaining(e -> data.put(e.getKey(),
        java.util.Base64.getDecoder().decode(e.getValue().asText())));
    return data;
  }

  /** A Secret's keys and bytes ({@code data} decoded, byte for byte; {@code stringData} as UTF-8). */
  private static Map<String, byte[]> secretData(ObjectNode secret) {
    Map<String, byte[]> data = new LinkedHashMap<>();
    secret.path("data").fields().forEachRemaining(e -> data.put(e.getKey(),
        java.util.Base64.getDecoder().decode(e.getValue().asText())));
    secret.path("stringData").fields().forEachRemaining(e -> data.put(e.getKey(),
        e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    return data;
  }

  private static void keys(Map<String, AtomicWriter.File> files, Map<String, byte[]> data, List<KeyToPath> items,
                           int mode, boolean optional, String missingKey) {
    if (items == null || items.isEmpty()) {
      data.forEach((k, v) -> files.put(k, new AtomicWriter.File(v, mode)));
      return;
    }
    for (KeyToPath item : items) {
      byte[] value = data.get(item.getKey());
      if (value != null) {
        files.put(item.getPath(), new AtomicWriter.File(value, item.getMode() != null ? mode(item.getMode()) : mode));
      } else if (!optional) {
        throw new MissingSource(missingKey + item.getKey());
      }
    }
  }

  /** A ConfigMap's keys as files; a ConfigMap or an item's key that is not there fails unless {@code optional}. */
  private static void configMapKeys(Map<String, AtomicWriter.File> files, EnvBuilder.Lookup lookup, String ns,
                                    String name, Boolean optional, List<KeyToPath> items, int mode) {
    ObjectNode cm = lookup.configMap(ns, name);
    boolean opt = Boolean.TRUE.equals(optional);
    if (cm == null && !opt) {
      throw new MissingSource("configmap \"" + name + "\" not found");
    }
    keys(files, cm == null ? Map.of() : configMapData(cm), items, mode, opt,
        "configmap references non-existent config key: ");
  }

  /** A Secret's keys as files; a Secret or an item's key that is not there fails unless {@code optional}. */
  private static void secretKeys(Map<String, AtomicWriter.File> files, EnvBuilder.Lookup lookup, String ns,
                                 String name, Boolean optional, List<KeyToPath> items, int mode) {
    ObjectNode secret = lookup.secret(ns, name);
    boolean opt = Boolean.TRUE.equals(optional);
    if (secret == null && !opt) {
      throw new MissingSource("secret \"" + name + "\" not found");
    }
    keys(files, secret == null ? Map.of() : secretData(secret), items, mode, opt,
        "references non-existent secret key: ");
  }

  /** A ConfigMap, Secret or key a volume needs is not there (kube's volume plugins' words). */
  private static final class MissingSource extends RuntimeException {
    MissingSource(String message) {
      super(message, null, false, false);
    }
  }

  /** The files of downwardAPI items: a pod field ({@code fieldRef}), or a container's resource ({@code resourceFieldRef}). */
  private static void downward(Map<String, AtomicWriter.File> files, Pod pod, List<DownwardAPIVolumeFile> items,
                               EnvBuilder.PodInfo info, int mode) {
    if (items == null) {
      return;
    }
    for (DownwardAPIVolumeFile f : items) {
      String value = null;
      if (f.getFieldRef() != null) {
        value = PodFields.value(pod, f.getFieldRef().getFieldPath(), info.podIp(), info.hostIp());
      } else if (f.getResourceFieldRef() != null) {
        String name = f.getResourceFieldRef().getContainerName();
        Container c = java.util.stream.Stream.concat(pod.getSpec().getContainers().stream(),
                pod.getSpec().getInitContainers() == null ? java.util.stream.Stream.<Container>empty()
                    : pod.getSpec().getInitContainers().stream())
            .filter(x -> name == null || name.equals(x.getName())).findFirst().orElse(null);
        value = c == null ? null : EnvBuilder.resource(c, f.getResourceFieldRef(), info);
      } else {
        continue;
      }
      files.put(f.getPath(), new AtomicWriter.File((value == null ? "" : value).getBytes(StandardCharsets.UTF_8),
          f.getMode() != null ? mode(f.getMode()) : mode));
    }
  }

  /**
   * A container's mounts: mount path → host folder (with subPath). A subPath of a configMap, secret, downwardAPI
   * or projected volume is taken once, as the kubelet bind-mounts it: its file at the container's first start is
   * linked to {@code volume-subpaths/<volume>/<container>/<index>} in the pod folder and stays that file, so the
   * volume's later updates do not reach it (kube's "will not receive updates"); a folder there is its current
   * one. A subPath missing in another volume is made a folder, as the kubelet does, so that containers started
   * together all see it (the replicated-MySQL page's {@code data} volume at {@code subPath: mysql}). Blocking file
   * I/O: call from a worker thread.
   */
  public static Map<String, Path> mounts(Container c, Map<String, Path> volumes, Path podDir) throws IOException {
    return mounts(c, Map.of(), volumes, podDir);
  }

  /**
   * As {@link #mounts(Container, Map, Path)}, a {@code subPathExpr} expanded from the container's environment
   * {@code env} ({@link #subPath}); a bad one throws the container's {@code CreateContainerConfigError}.
   */
  public static Map<String, Path> mounts(Container c, Map<String, String> env, Map<String, Path> volumes, Path podDir)
      throws IOException {
    Map<String, Path> mounts = new LinkedHashMap<>();
    if (c.getVolumeMounts() == null) {
      return mounts;
    }
    for (int i = 0; i < c.getVolumeMounts().size(); i++) {
      VolumeMount m = c.getVolumeMounts().get(i);
      Path dir = volumes.get(m.getName());
      if (dir == null) {
        continue;
      }
      String sub = subPath(m, env);
      Path host = sub == null || sub.isEmpty() ? dir : dir.resolve(sub).normalize();
      if (host != dir && host.startsWith(dir) && Files.isSymbolicLink(dir.resolve(AtomicWriter.DATA))
          && Files.exists(host)) {
        host = pinned(host.toRealPath(), podDir.resolve("volume-subpaths").resolve(m.getName()).resolve(c.getName())
            .resolve(Integer.toString(i)));
      }
      if (host != dir && host.startsWith(dir) && !Files.exists(host)
          && !Files.isSymbolicLink(dir.resolve(AtomicWriter.DATA))) {
        Files.createDirectories(host); // as the kubelet makes a missing subPath folder before the container starts
      }
      mounts.put(m.getMountPath(), host);
    }
    return mounts;
  }

  /**
   * A mount's subPath as kube's kubelet takes it (makeMounts): {@code subPathExpr} with each {@code $(VAR)} replaced
   * by the container's variable ({@code $$} is {@code $}) — an unset or empty one fails
   * {@code missing value for A, B} (names sorted) —, and a subPath that is absolute or climbs out with {@code ..}
   * refused in kube's words.
   */
  static String subPath(VolumeMount m, Map<String, String> env) {
    String sub = m.getSubPath();
    if (m.getSubPathExpr() != null && !m.getSubPathExpr().isEmpty()) {
      java.util.TreeSet<String> missing = new java.util.TreeSet<>();
      java.util.regex.Matcher refs = java.util.regex.Pattern.compile("\\$\\(([^)]*)\\)").matcher(m.getSubPathExpr());
      while (refs.find()) {
        String v = env.get(refs.group(1));
        if (v == null || v.isEmpty()) {
          missing.add(refs.group(1));
        }
      }
      if (!missing.isEmpty()) {
        throw new ContainerStartException("CreateContainerConfigError", "missing value for " + String.join(", ", missing));
      }
      sub = EnvBuilder.expand(m.getSubPathExpr(), env);
    }
    if (sub == null || sub.isEmpty()) {
      return sub;
    }
    if (sub.startsWith("/")) {
      throw new ContainerStartException("CreateContainerConfigError", "error SubPath `" + sub
          + "` must not be an absolute path");
    }
    if (java.util.Arrays.asList(sub.split("/")).contains("..")) {
      throw new ContainerStartException("CreateContainerConfigError", "unable to provision SubPath `" + sub
          + "`: must not contain '..'");
    }
    return sub;
  }

  /** The file {@code real} as the container keeps it at {@code pin} (a hard link, made once); a folder as it is. */
  private static Path pinned(Path real, Path pin) throws IOException {
    if (!Files.isRegularFile(real) || Files.isRegularFile(pin, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return Files.isRegularFile(real) ? pin : real;
    }
    Files.createDirectories(pin.getParent());
    try {
      return Files.createLink(pin, real);
    } catch (UnsupportedOperationException | IOException e) {
      return Files.copy(real, pin, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
    }
  }
}
