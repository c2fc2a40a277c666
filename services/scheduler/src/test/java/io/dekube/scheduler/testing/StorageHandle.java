package io.dekube.scheduler.testing;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A handle with storage, as kube's listers for the volume plugins' tests: claims by {@code namespace/name}, volumes,
 * classes {@code standard} (WaitForFirstConsumer) and {@code fast} (Immediate), provisioners and CSI limits by node;
 * the claim annotations written are recorded.
 */
public class StorageHandle extends NoHandle {

  public final Map<String, PersistentVolumeClaim> claims = new HashMap<>();
  public final Map<String, PersistentVolume> volumes = new HashMap<>();
  public final Map<String, String> provisioners = new HashMap<>();
  public final Map<String, Map<String, Integer>> csiLimits = new HashMap<>();
  public final List<String> annotated = new ArrayList<>();

  @Override
  public PersistentVolumeClaim persistentVolumeClaim(String namespace, String name) {
    return claims.get(namespace + "/" + name);
  }

  @Override
  public PersistentVolume persistentVolume(String name) {
    return volumes.get(name);
  }

  @Override
  public String volumeBindingMode(String storageClass) {
    return switch (storageClass) {
      case "standard" -> "WaitForFirstConsumer";
      case "fast" -> "Immediate";
      default -> null;
    };
  }

  @Override
  public String provisioner(String storageClass) {
    return provisioners.get(storageClass);
  }

  @Override
  public Map<String, Integer> csiVolumeLimits(String nodeName) {
    return csiLimits.getOrDefault(nodeName, Map.of());
  }

  @Override
  public CompletionStage<Void> annotateClaim(String namespace, String name, String key, String value) {
    annotated.add(namespace + "/" + name + " " + key + "=" + value);
    return CompletableFuture.completedFuture(null);
  }
}
