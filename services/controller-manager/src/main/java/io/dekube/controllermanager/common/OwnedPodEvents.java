package io.dekube.controllermanager.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ObjectKey;
import java.util.Collection;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pod handler of a controller that keeps {@link Expectations}: a pod seen created or deleted
 * lowers its owner's expectations, and every change enqueues the owner (of kind {@code kind}), or,
 * for an orphan, the owners whose selector matches it ({@code orphanOwners}). Runs on the loop's context.
 */
public final class OwnedPodEvents implements InformerHandler {

  private final String kind;
  private final Expectations expectations;
  private final Consumer<ObjectKey> enqueue;
  private final Function<ObjectNode, Collection<ObjectKey>> orphanOwners;

  public OwnedPodEvents(String kind, Expectations expectations, Consumer<ObjectKey> enqueue,
                        Function<ObjectNode, Collection<ObjectKey>> orphanOwners) {
    this.kind = kind;
    this.expectations = expectations;
    this.enqueue = enqueue;
    this.orphanOwners = orphanOwners;
  }

  @Override
  public void onAdd(ObjectNode object) {
    ObjectKey owner = ownerKey(object, kind);
    if (owner != null) {
      expectations.creationObserved(owner);
      enqueue.accept(owner);
    } else {
      orphanOwners.apply(object).forEach(enqueue);
    }
  }

  @Override
  public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
    ObjectKey before = oldObject == null ? null : ownerKey(oldObject, kind);
    ObjectKey after = ownerKey(newObject, kind);
    if (before != null && !before.equals(after)) {
      enqueue.accept(before);
    }
    if (after != null) {
      enqueue.accept(after);
    } else {
      orphanOwners.apply(newObject).forEach(enqueue);
    }
    boolean nowDeleting = newObject.path("metadata").has("deletionTimestamp");
    boolean wasDeleting = oldObject != null && oldObject.path("metadata").has("deletionTimestamp");
    if (after != null && nowDeleting && !wasDeleting) {
      expectations.deletionObserved(after);
    }
  }

  @Override
  public void onDelete(ObjectNode last, long rv) {
    ObjectKey owner = ownerKey(last, kind);
    if (owner != null) {
      if (!last.path("metadata").has("deletionTimestamp")) {
        expectations.deletionObserved(owner);
      }
      enqueue.accept(owner);
    }
  }

  /**
   * The orphan mapping of owners found by their selector: the keys of the objects of {@code owners}
   * in the pod's namespace whose selector matches its labels (an invalid selector matches nothing).
   */
  public static <T extends io.fabric8.kubernetes.api.model.HasMetadata> Function<ObjectNode, Collection<ObjectKey>>
      selecting(Lister<T> owners, Function<T, io.fabric8.kubernetes.api.model.LabelSelector> selectorOf) {
    return pod -> {
      String ns = pod.path("metadata").path("namespace").asText();
      java.util.List<ObjectKey> out = new java.util.ArrayList<>();
      for (T owner : owners.list(ns)) {
        try {
          if (Selectors.of(selectorOf.apply(owner)).matches(io.dekube.core.informer.LabelSelector.labelsOf(pod))) {
            out.add(new ObjectKey(ns, owner.getMetadata().getName()));
          }
        } catch (io.dekube.core.model.StatusException e) {
          // an invalid selector adopts nothing
        }
      }
      return out;
    };
  }

  /** The key of the object's controller of the given kind, or null. */
  public static ObjectKey ownerKey(ObjectNode obj, String kind) {
    for (var ref : obj.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false) && kind.equals(ref.path("kind").asText())) {
        return new ObjectKey(obj.path("metadata").path("namespace").asText(), ref.path("name").asText());
      }
    }
    return null;
  }
}
