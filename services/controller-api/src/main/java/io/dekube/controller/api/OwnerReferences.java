package io.dekube.controller.api;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;

/**
 * Owner references, as kube's {@code metav1.NewControllerRef} and {@code GetControllerOf}: put
 * {@link #controllerRef} on what a controller creates, and the garbage collector deletes it once its
 * owner is gone. Stateless.
 */
public final class OwnerReferences {

  private OwnerReferences() {
  }

  /** A controller reference to {@code owner} (controller and blockOwnerDeletion true); the owner has a uid (stored). */
  public static OwnerReference controllerRef(HasMetadata owner) {
    OwnerReference r = new OwnerReference();
    r.setApiVersion(owner.getApiVersion());
    r.setKind(owner.getKind());
    r.setName(owner.getMetadata().getName());
    r.setUid(owner.getMetadata().getUid());
    r.setController(true);
    r.setBlockOwnerDeletion(true);
    return r;
  }

  /** Sets {@code owner} as the controller of {@code obj} (replacing another controller reference); answers obj. */
  public static <T extends HasMetadata> T setController(T obj, HasMetadata owner) {
    ObjectMeta meta = obj.getMetadata();
    List<OwnerReference> refs = new ArrayList<>();
    if (meta.getOwnerReferences() != null) {
      meta.getOwnerReferences().stream().filter(r -> !Boolean.TRUE.equals(r.getController())).forEach(refs::add);
    }
    refs.add(controllerRef(owner));
    meta.setOwnerReferences(refs);
    return obj;
  }

  /** The object's controller reference (the one with {@code controller: true}), or null. */
  public static OwnerReference controllerOf(HasMetadata obj) {
    ObjectMeta meta = obj.getMetadata();
    if (meta == null || meta.getOwnerReferences() == null) {
      return null;
    }
    return meta.getOwnerReferences().stream().filter(r -> Boolean.TRUE.equals(r.getController())).findFirst()
        .orElse(null);
  }

  /** Whether {@code owner} (by uid) is the controller of {@code obj}. */
  public static boolean isControlledBy(HasMetadata obj, HasMetadata owner) {
    OwnerReference r = controllerOf(obj);
    return r != null && r.getUid() != null && r.getUid().equals(owner.getMetadata().getUid());
  }
}
