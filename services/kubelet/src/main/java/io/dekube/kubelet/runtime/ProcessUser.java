package io.dekube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who a container's processes are, as the kubelet asks containerd for them: the user of
 * {@code runAsUser} (the container's over the pod's; the image's user, root, without), the group of
 * {@code runAsGroup} (else the user's group in the image's {@code /etc/passwd}, else 0), and the
 * supplementary groups: that group, the groups of the image's {@code /etc/group} that list the user's name,
 * the pod's {@code supplementalGroups} and its {@code fsGroup} — sorted, as the kernel keeps them. The
 * image's user database answers names ({@link #name}, {@link #group}); ids without a name print as numbers,
 * as busybox prints them. Immutable.
 */
record ProcessUser(long uid, long gid, List<Long> groups, Map<Long, String> users, Map<Long, String> groupNames) {

  /** The user a container of {@code spec} runs as, with the image's {@code passwd} and {@code group} texts. */
  static ProcessUser of(ContainerSpec spec, String passwd, String group) {
    Optional<SecurityContext> c = Optional.ofNullable(spec.container()).map(Container::getSecurityContext);
    Optional<PodSecurityContext> p = Optional.ofNullable(spec.podSecurity());
    long uid = c.map(SecurityContext::getRunAsUser).or(() -> p.map(PodSecurityContext::getRunAsUser)).orElse(0L);
    Map<Long, String> users = new java.util.HashMap<>();
    Map<Long, Long> userGroups = new java.util.HashMap<>();
    for (String[] f : fields(passwd)) {
      if (f.length >= 4) {
        long id = number(f[2]);
        users.putIfAbsent(id, f[0]);
        userGroups.putIfAbsent(id, number(f[3]));
      }
    }
    long gid = c.map(SecurityContext::getRunAsGroup).or(() -> p.map(PodSecurityContext::getRunAsGroup))
        .orElse(userGroups.getOrDefault(uid, 0L));
    Map<Long, String> groupNames = new java.util.HashMap<>();
    TreeSet<Long> groups = new TreeSet<>(List.of(gid));
    String name = users.get(uid);
    for (String[] f : fields(group)) {
      if (f.length >= 3) {
        groupNames.putIfAbsent(number(f[2]), f[0]);
        if (name != null && f.length >= 4 && List.of(f[3].split(",")).contains(name)) {
          groups.add(number(f[2]));
        }
      }
    }
    p.map(PodSecurityContext::getSupplementalGroups).ifPresent(groups::addAll);
    p.map(PodSecurityContext::getFsGroup).ifPresent(groups::add);
    return new ProcessUser(uid, gid, List.copyOf(groups), Map.copyOf(users), Map.copyOf(groupNames));
  }

  /** The user's name, or its number. */
  String name() {
    return users.getOrDefault(uid, Long.toString(uid));
  }

  /** A user id's name in the image, or its number. */
  String user(long id) {
    return users.getOrDefault(id, Long.toString(id));
  }

  /** A group id's name in the image, or its number. */
  String group(long id) {
    return groupNames.getOrDefault(id, Long.toString(id));
  }

  /** What busybox's {@code id} prints: {@code uid=1000 gid=3000 groups=2000,3000,4000}. */
  String id() {
    StringBuilder b = new StringBuilder("uid=").append(named(uid, users)).append(" gid=").append(named(gid, groupNames))
        .append(" groups=");
    for (int i = 0; i < groups.size(); i++) {
      b.append(i == 0 ? "" : ",").append(named(groups.get(i), groupNames));
    }
    return b.toString();
  }

  private static String named(long id, Map<Long, String> names) {
    String n = names.get(id);
    return n == null ? Long.toString(id) : id + "(" + n + ")";
  }

  private static List<String[]> fields(String text) {
    return text == null ? List.of() : text.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.split(":", -1)).toList();
  }

  private static long number(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
