package io.dekube.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.vertx.core.Future;
import java.util.function.Function;

/**
 * The scheduler's view of storage for the VolumeBinding plugin: PersistentVolumeClaims,
 * PersistentVolumes and StorageClasses from informers (typed when read), and the one write, a claim's
 * annotation. Reads are thread-safe; null until {@link #start}.
 */
final class VolumeObjects {

  private final StoreApi store;
  private final ResourceType claimType;
  private final ResourceType volumeType;
  private final ResourceType classType;
  private final ResourceType csiNodeType;
  private volatile ObjectCache csiNodes;
  private volatile ObjectCache claims;
  private volatile ObjectCache volumes;
  private volatile ObjectCache classes;

  VolumeObjects(StoreApi store, ResourceRegistry registry) {
    this.store = store;
    this.claimType = registry.byResourceName("persistentvolumeclaims").orElse(null);
    this.volumeType = registry.byResourceName("persistentvolumes").orElse(null);
    this.classType = registry.byResourceName("storageclasses.storage.k8s.io").orElse(null);
    this.csiNodeType = registry.byResourceName("csinodes.storage.k8s.io").orElse(null);
  }

  /** Starts the informers; the claims' and volumes' caches, to follow their changes. */
  Future<java.util.List<ObjectCache>> start(Function<ResourceType, ObjectCache> caches) {
    if (claimType == null || volumeType == null || classType == null) {
      return Future.succeededFuture(java.util.List.of());
    }
    claims = caches.apply(claimType);
    volumes = caches.apply(volumeType);
    classes = caches.apply(classType);
    csiNodes = csiNodeType == null ? null : caches.apply(csiNodeType);
    return Future.all(started(claims), started(volumes), started(classes), started(csiNodes))
        .map(v -> java.util.List.of(claims, volumes, classes));
  }

  private static Future<Void> started(ObjectCache c) {
    return c instanceof Informer i ? i.start() : Future.succeededFuture();
  }

  PersistentVolumeClaim claim(String namespace, String name) {
    ObjectNode o = claims == null ? null : claims.get(new ObjectKey(namespace, name));
    return o == null ? null : Typed.from(o, PersistentVolumeClaim.class);
  }

  PersistentVolume volume(String name) {
    ObjectNode o = volumes == null ? null : volumes.get(new ObjectKey("", name));
    return o == null ? null : Typed.from(o, PersistentVolume.class);
  }

  String bindingMode(String className) {
    ObjectNode o = classes == null || className.isEmpty() ? null : classes.get(new ObjectKey("", className));
    return o == null ? null : o.path("volumeBindingMode").asText("Immediate");
  }

  String provisioner(String className) {
    ObjectNode o = classes == null || className.isEmpty() ? null : classes.get(new ObjectKey("", className));
    return o == null ? null : o.path("provisioner").asText("");
  }

  /** The drivers of a node's CSINode with an allocatable count (NodeVolumeLimits), by name. */
  java.util.Map<String, Integer> csiVolumeLimits(String nodeName) {
    ObjectNode o = csiNodes == null ? null : csiNodes.get(new ObjectKey("", nodeName));
    java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
    if (o != null) {
      for (com.fasterxml.jackson.databind.JsonNode d : o.path("spec").path("drivers")) {
        if (d.path("allocatable").path("count").isNumber()) {
          out.put(d.path("name").asText(), d.path("allocatable").path("count").asInt());
        }
      }
    }
    return out;
  }

  Future<Void> annotate(String namespace, String name, String key, String value) {
    ObjectNode patch = Json.object();
    patch.putObject("metadata").putObject("annotations").put(key, value);
    return store.patch(claimType, namespace, name, Patches.MERGE, patch, WriteOptions.none()).mapEmpty();
  }
}
