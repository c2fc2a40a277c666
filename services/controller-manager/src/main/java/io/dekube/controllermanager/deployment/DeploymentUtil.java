package io.dekube.controllermanager.deployment;

import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Times;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The pure helpers of kube's {@code deployment/util}: hashes, revisions, surge arithmetic, conditions. Stateless. */
final class DeploymentUtil {

  static final String REVISION = "deployment.kubernetes.io/revision";
  static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
  static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
  static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
  static final String HASH_LABEL = "pod-template-hash";
  static final Set<String> NOT_COPIED = Set.of("kubectl.kubernetes.io/last-applied-configuration", REVISION,
      REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, "deprecated.deployment.rollback.to");
  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private DeploymentUtil() {
  }

  /** The pod-template-hash: FNV-32a of the template (and collision count), in kube's safe alphabet. */
  static String hash(PodTemplateSpec template, Integer collisionCount) {
    int h = 0x811c9dc5;
    byte[] bytes = Typed.tree(template).toString().getBytes(StandardCharsets.UTF_8);
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    if (collisionCount != null) {
      for (byte b : Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8)) {
        h ^= b & 0xff;
        h *= 0x01000193;
      }
    }
    String decimal = Long.toString(h & 0xffffffffL);
    StringBuilder out = new StringBuilder();
    for (char c : decimal.toCharArray()) {
      out.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
    }
    return out.toString();
  }

  /** Whether two templates are equal once the pod-template-hash label is left out (kube's {@code EqualIgnoreHash}). */
  static boolean equalIgnoreHash(PodTemplateSpec a, PodTemplateSpec b) {
    return Objects.equals(withoutHash(a), withoutHash(b));
  }

  private static Object withoutHash(PodTemplateSpec t) {
    if (t == null) {
      return null;
    }
    var tree = Typed.tree(t);
    var labels = tree.path("metadata").path("labels");
    if (labels instanceof com.fasterxml.jackson.databind.node.ObjectNode l) {
      l.remove(HASH_LABEL);
      if (l.isEmpty()) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("metadata")).remove("labels");
      }
    }
    if (tree.path("metadata").isEmpty()) {
      tree.remove("metadata");
    }
    return tree;
  }

  /** The ReplicaSet's revision annotation (0 when absent or malformed). */
  static long revision(ReplicaSet rs) {
    return parseLong(annotation(rs, REVISION), 0);
  }

  /** The highest revision of the ReplicaSets. */
  static long maxRevision(List<ReplicaSet> sets) {
    return sets.stream().mapToLong(DeploymentUtil::revision).max().orElse(0);
  }

  static String annotation(ReplicaSet rs, String key) {
    Map<String, String> a = rs.getMetadata().getAnnotations();
    return a == null ? null : a.get(key);
  }

  static long parseLong(String s, long otherwise) {
    try {
      return s == null ? otherwise : Long.parseLong(s);
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
  }

  static int replicas(ReplicaSet rs) {
    return rs == null || rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
  }

  static int statusReplicas(ReplicaSet rs) {
    return rs == null || rs.getStatus() == null || rs.getStatus().getReplicas() == null ? 0 : rs.getStatus().getReplicas();
  }

  static int available(ReplicaSet rs) {
    return rs == null || rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null ? 0
        : rs.getStatus().getAvailableReplicas();
  }

  static int ready(ReplicaSet rs) {
    return rs == null || rs.getStatus() == null || rs.getStatus().getReadyReplicas() == null ? 0
        : rs.getStatus().getReadyReplicas();
  }

  static int sumReplicas(List<ReplicaSet> sets) {
    return sets.stream().mapToInt(DeploymentUtil::replicas).sum();
  }

  static List<ReplicaSet> active(List<ReplicaSet> sets) {
    return sets.stream().filter(rs -> rs != null && replicas(rs) > 0).toList();
  }

  static boolean rolling(Deployment d) {
    return d.getSpec().getStrategy() == null || !"Recreate".equals(d.getSpec().getStrategy().getType());
  }

  /** kube's {@code ResolveFenceposts}: maxSurge rounded up, maxUnavailable down; never both zero. */
  static int[] fenceposts(Deployment d) {
    var ru = d.getSpec().getStrategy() == null ? null : d.getSpec().getStrategy().getRollingUpdate();
    int want = replicas(d);
    int surge = scaled(ru == null ? null : ru.getMaxSurge(), want, true);
    int unavailable = scaled(ru == null ? null : ru.getMaxUnavailable(), want, false);
    if (surge == 0 && unavailable == 0) {
      unavailable = 1;
    }
    return new int[] {surge, unavailable};
  }

  private static int scaled(IntOrString v, int total, boolean roundUp) {
    if (v == null) {
      return (int) (roundUp ? Math.ceil(total * 0.25) : Math.floor(total * 0.25));
    }
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    String s = v.getStrVal() == null ? "0" : v.getStrVal().replace("%", "");
    double pct = parseLong(s, 0) / 100.0;
    return (int) (roundUp ? Math.ceil(total * pct) : Math.floor(total * pct));
  }

  static int maxSurge(Deployment d) {
    return rolling(d) ? fenceposts(d)[0] : 0;
  }

  static int maxUnavailable(Deployment d) {
    if (!rolling(d) || replicas(d) == 0) {
      return 0;
    }
    return Math.min(fenceposts(d)[1], replicas(d));
  }

  /** kube's {@code NewRSNewReplicas}: how far the new ReplicaSet may grow now. */
  static int newRSNewReplicas(Deployment d, List<ReplicaSet> all, ReplicaSet newRS) {
    if (!rolling(d)) {
      return replicas(d);
    }
    int current = sumReplicas(all);
    int maxTotal = replicas(d) + maxSurge(d);
    if (current >= maxTotal) {
      return replicas(newRS);
    }
    int up = Math.min(maxTotal - current, replicas(d) - replicas(newRS));
    return replicas(newRS) + up;
  }

  /** Sets desired-replicas and max-replicas; true when they changed. */
  static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
    Map<String, String> a = rs.getMetadata().getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(rs.getMetadata().getAnnotations());
    boolean changed = !Integer.toString(desired).equals(a.get(DESIRED_REPLICAS))
        || !Integer.toString(max).equals(a.get(MAX_REPLICAS));
    a.put(DESIRED_REPLICAS, Integer.toString(desired));
    a.put(MAX_REPLICAS, Integer.toString(max));
    rs.getMetadata().setAnnotations(a);
    return changed;
  }

  /** kube's {@code SetNewReplicaSetAnnotations}: copies the deployment's annotations and moves the revision. */
  static boolean setNewReplicaSetAnnotations(Deployment d, ReplicaSet rs, long newRevision, boolean exists) {
    Map<String, String> a = rs.getMetadata().getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(rs.getMetadata().getAnnotations());
    boolean changed = false;
    Map<String, String> da = d.getMetadata().getAnnotations() == null ? Map.of() : d.getMetadata().getAnnotations();
    for (var e : da.entrySet()) {
      if (!NOT_COPIED.contains(e.getKey()) && !e.getValue().equals(a.get(e.getKey()))) {
        a.put(e.getKey(), e.getValue());
        changed = true;
      }
    }
    String oldRevision = a.get(REVISION);
    long old = parseLong(oldRevision, 0);
    if (old < newRevision) {
      a.put(REVISION, Long.toString(newRevision));
      changed = true;
      if (oldRevision != null && !oldRevision.isEmpty()) {
        String h = a.get(REVISION_HISTORY);
        a.put(REVISION_HISTORY, h == null || h.isEmpty() ? oldRevision : h + "," + oldRevision);
      }
    }
    rs.getMetadata().setAnnotations(a);
    if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) {
      changed = true;
    }
    return changed;
  }

  static Comparator<ReplicaSet> byCreation() {
    return Comparator.comparing((ReplicaSet rs) -> String.valueOf(rs.getMetadata().getCreationTimestamp()))
        .thenComparing(rs -> rs.getMetadata().getName());
  }

  // ---- status and conditions

  static DeploymentCondition condition(DeploymentStatus s, String type) {
    if (s == null || s.getConditions() == null) {
      return null;
    }
    return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  static DeploymentCondition newCondition(String type, String status, String reason, String message, Instant now) {
    DeploymentCondition c = new DeploymentCondition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastUpdateTime(Times.format(now));
    c.setLastTransitionTime(Times.format(now));
    return c;
  }

  /** kube's {@code SetDeploymentCondition}: same status and reason keeps the transition time. */
  static void setCondition(DeploymentStatus s, DeploymentCondition c) {
    DeploymentCondition cur = condition(s, c.getType());
    if (cur != null && cur.getStatus().equals(c.getStatus()) && Objects.equals(cur.getReason(), c.getReason())) {
      return;
    }
    if (cur != null && cur.getStatus().equals(c.getStatus())) {
      c.setLastTransitionTime(cur.getLastTransitionTime());
    }
    List<DeploymentCondition> list = new ArrayList<>();
    if (s.getConditions() != null) {
      s.getConditions().stream().filter(x -> !x.getType().equals(c.getType())).forEach(list::add);
    }
    list.add(c);
    s.setConditions(list);
  }

  static void removeCondition(DeploymentStatus s, String type) {
    if (s.getConditions() != null) {
      s.setConditions(new ArrayList<>(s.getConditions().stream().filter(x -> !x.getType().equals(type)).toList()));
    }
  }

  static int intOf(Integer v) {
    return v == null ? 0 : v;
  }

  /** kube's {@code DeploymentComplete}. */
  static boolean complete(Deployment d, DeploymentStatus s) {
    int want = replicas(d);
    return intOf(s.getUpdatedReplicas()) == want && intOf(s.getReplicas()) == want
        && intOf(s.getAvailableReplicas()) == want && s.getObservedGeneration() != null
        && s.getObservedGeneration() >= d.getMetadata().getGeneration();
  }

  /** kube's {@code DeploymentProgressing}: more updated, ready or available pods, or fewer old ones. */
  static boolean progressing(Deployment d, DeploymentStatus s) {
    DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    int oldOld = intOf(old.getReplicas()) - intOf(old.getUpdatedReplicas());
    int newOld = intOf(s.getReplicas()) - intOf(s.getUpdatedReplicas());
    return intOf(s.getUpdatedReplicas()) > intOf(old.getUpdatedReplicas())
        || intOf(s.getReadyReplicas()) > intOf(old.getReadyReplicas()) || newOld < oldOld
        || intOf(s.getAvailableReplicas()) > intOf(old.getAvailableReplicas());
  }

  static int progressDeadline(Deployment d) {
    return d.getSpec().getProgressDeadlineSeconds() == null ? 600 : d.getSpec().getProgressDeadlineSeconds();
  }

  /** kube's {@code DeploymentTimedOut}: no progress for progressDeadlineSeconds since the last update. */
  static boolean timedOut(Deployment d, DeploymentStatus s, Instant now) {
    DeploymentCondition c = condition(s, "Progressing");
    if (c == null || "NewReplicaSetAvailable".equals(c.getReason())) {
      return false;
    }
    if ("ProgressDeadlineExceeded".equals(c.getReason())) {
      return true;
    }
    Instant from = Times.parse(c.getLastUpdateTime());
    return from != null && from.plusSeconds(progressDeadline(d)).isBefore(now);
  }

  /** The status without conditions, for deciding whether anything changed. */
  static Object comparable(DeploymentStatus s) {
    return s == null ? null : Typed.tree(Lister.copy(s));
  }
}
