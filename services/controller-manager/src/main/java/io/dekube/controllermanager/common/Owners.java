package io.dekube.controllermanager.common;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.ArrayList;
import java.util.List;

/** Owner references: the controller reference of an object, and the patches to adopt and release. Stateless. */
public final class Owners {

  private Owners() {
  }

  /** The object's controller reference (the owner with {@code controller: true}), or null. */
  public static OwnerReference controllerOf(ObjectMeta meta) {
    if (meta == null || meta.getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference r : meta.getOwnerReferences()) {
      if (Boolean.TRUE.equals(r.getController())) {
        return r;
      }
    }
    return null;
  }

  /** Whether the object is controlled by the owner (by uid). */
  public static boolean controlledBy(ObjectMeta meta, HasMetadata owner) {
    OwnerReference r = controllerOf(meta);
    return r != null && r.getUid() != null && r.getUid().equals(owner.getMetadata().getUid());
  }

  /** A controller reference to the owner, with blockOwnerDeletion, as kube's {@code NewControllerRef} (the API's). */
  public static OwnerReference controllerRef(HasMetadata owner) {
    return io.dekube.controller.api.OwnerReferences.controllerRef(owner);
  }

  /** The strategic-merge patch that makes {@code owner} the controller of an orphan (kube's adopt patch; send it with the orphan's uid as precondition). */
  public static ObjectNode adoptPatch(HasMetadata owner) {
    ObjectNode patch = Json.object();
    ObjectNode m = patch.putObject("metadata");
    m.putArray("ownerReferences").add(Typed.tree(controllerRef(owner)));
    return patch;
  }

  /** The JSON merge patch of the object's owner references without the owner's (kube's release). */
  public static ObjectNode releasePatch(ObjectMeta meta, HasMetadata owner) {
    List<OwnerReference> keep = new ArrayList<>();
    for (OwnerReference r : meta.getOwnerReferences() == null ? List.<OwnerReference>of() : meta.getOwnerReferences()) {
      if (!owner.getMetadata().getUid().equals(r.getUid())) {
        keep.add(r);
      }
    }
    ObjectNode patch = Json.object();
    ObjectNode m = patch.putObject("metadata");
    if (keep.isEmpty()) {
      m.putNull("ownerReferences");
    } else {
      ArrayNode arr = m.putArray("ownerReferences");
      keep.forEach(r -> arr.add(Typed.tree(r)));
    }
    return patch;
  }

  /** Whether the object is being deleted. */
  public static boolean deleting(HasMetadata obj) {
    return obj.getMetadata().getDeletionTimestamp() != null;
  }
}
