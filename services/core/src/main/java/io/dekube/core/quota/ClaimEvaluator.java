package io.dekube.core.quota;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * PersistentVolumeClaims: {@code persistentvolumeclaims}, {@code count/persistentvolumeclaims},
 * {@code requests.storage}, and per StorageClass
 * {@code <class>.storageclass.storage.k8s.io/requests.storage} and {@code .../persistentvolumeclaims}.
 * Updates count too (a claim may grow).
 */
final class ClaimEvaluator implements QuotaEvaluator {

  static final String CLASS_SUFFIX = ".storageclass.storage.k8s.io/";

  @Override
  public boolean handles(boolean create) {
    return true;
  }

  @Override
  public Set<String> matchingResources(Collection<String> hard) {
    Set<String> out = new TreeSet<>();
    for (String h : hard) {
      if (h.equals("persistentvolumeclaims") || h.equals("count/persistentvolumeclaims") || h.equals("requests.storage")
          || (h.contains(CLASS_SUFFIX) && (h.endsWith("/requests.storage") || h.endsWith("/persistentvolumeclaims")))) {
        out.add(h);
      }
    }
    return out;
  }

  @Override
  public TreeMap<String, Amount> usage(ObjectNode pvc, Instant now) {
    TreeMap<String, Amount> out = new TreeMap<>();
    out.put("count/persistentvolumeclaims", Amount.of(1));
    out.put("persistentvolumeclaims", Amount.of(1));
    String cls = pvc.path("spec").path("storageClassName").asText("");
    if (cls.isEmpty()) {
      cls = pvc.path("metadata").path("annotations").path("volume.beta.kubernetes.io/storage-class").asText("");
    }
    if (!cls.isEmpty()) {
      out.put(cls + CLASS_SUFFIX + "persistentvolumeclaims", Amount.of(1));
    }
    Amount storage = Quantities.parse(pvc.path("spec").path("resources").path("requests").get("storage"));
    Amount allocated = Quantities.parse(pvc.path("status").path("allocatedResources").get("storage"));
    if (allocated != null && (storage == null || allocated.compareTo(storage) > 0)) {
      storage = allocated;
    }
    if (storage != null) {
      out.put("requests.storage", storage);
      if (!cls.isEmpty()) {
        out.put(cls + CLASS_SUFFIX + "requests.storage", storage);
      }
    }
    return out;
  }
}
