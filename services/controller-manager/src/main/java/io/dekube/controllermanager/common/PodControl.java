package io.dekube.controllermanager.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * kube's {@code PodControl} and {@code PodControllerRefManager} for the workload controllers
 * (DaemonSet, StatefulSet, Job): claims the pods an owner selects (adopting orphans, releasing
 * those that stop matching), and creates and deletes pods with the owner's expectations and the
 * {@code SuccessfulCreate}/{@code FailedCreate}/{@code SuccessfulDelete} Events kube words. Stateless
 * apart from the expectations it is given; calls run on the controller's context.
 */
public final class PodControl {

  private final ControllerContext ctx;
  private final String component;
  private final ResourceType podType;
  private final Expectations expectations;

  public PodControl(ControllerContext ctx, String component, Expectations expectations) {
    this.ctx = ctx;
    this.component = component;
    this.podType = ctx.type("pods");
    this.expectations = expectations;
  }

  /**
   * The pods the owner controls after adopting matching orphans and releasing owned pods that stop
   * matching. {@code keep} decides which candidates count at all (e.g. only active ones).
   */
  public Future<List<Pod>> claim(HasMetadata owner, LabelSelector selector, List<Pod> candidates, Predicate<Pod> keep) {
    List<Pod> owned = new ArrayList<>();
    List<Future<?>> patches = new ArrayList<>();
    boolean ownerDeleting = Owners.deleting(owner);
    for (Pod p : candidates) {
      if (!keep.test(p)) {
        continue;
      }
      OwnerReference ref = Owners.controllerOf(p.getMetadata());
      boolean matches = selector.matches(Pods.labels(p));
      if (ref != null) {
        if (!owner.getMetadata().getUid().equals(ref.getUid())) {
          continue;
        }
        if (matches) {
          owned.add(p);
        } else if (!ownerDeleting) {
          patches.add(patch(p, Patches.MERGE, Owners.releasePatch(p.getMetadata(), owner)));
        }
      } else if (matches && !ownerDeleting && !Owners.deleting(p)) {
        owned.add(p);
        patches.add(patch(p, Patches.STRATEGIC_MERGE, Owners.adoptPatch(owner)));
      }
    }
    return Future.join(patches).map(owned).recover(e -> Future.succeededFuture(owned));
  }

  private Future<ObjectNode> patch(Pod p, String type, ObjectNode patch) {
    return ctx.store().patch(podType, p.getMetadata().getNamespace(), p.getMetadata().getName(), type, patch,
        WriteOptions.none().withUid(p.getMetadata().getUid()));
  }

  /** Creates a pod of the owner; a failure lowers the expectations and is a {@code FailedCreate} Event. */
  public Future<ObjectNode> create(ObjectKey key, HasMetadata owner, Pod pod) {
    return ctx.store().create(podType, owner.getMetadata().getNamespace(), Typed.tree(pod), WriteOptions.none())
        .onSuccess(created -> ctx.events().record(component, owner, EventRecorder.NORMAL, "SuccessfulCreate",
            createdMessage(owner, created.path("metadata").path("name").asText())))
        .onFailure(e -> {
          expectations.creationObserved(key);
          if (e instanceof StatusException se && se.code() == 409 && pod.getMetadata().getName() != null) {
            return;
          }
          ctx.events().record(component, owner, EventRecorder.WARNING, "FailedCreate", failedCreateMessage(owner, pod, e));
        });
  }

  /** Deletes a pod of the owner (uid precondition); a pod already gone counts as deleted. */
  public Future<Void> delete(ObjectKey key, HasMetadata owner, Pod p) {
    return ctx.store().delete(podType, p.getMetadata().getNamespace(), p.getMetadata().getName(),
            WriteOptions.none().withUid(p.getMetadata().getUid()))
        .onSuccess(d -> ctx.events().record(component, owner, EventRecorder.NORMAL, "SuccessfulDelete",
            deletedMessage(owner, p.getMetadata().getName())))
        .<Void>mapEmpty()
        .recover(e -> {
          expectations.deletionObserved(key);
          if (e instanceof StatusException se && se.code() == 404) {
            return Future.succeededFuture();
          }
          ctx.events().record(component, owner, EventRecorder.WARNING, "FailedDelete",
              "StatefulSet".equals(owner.getKind()) ? "delete Pod " + p.getMetadata().getName() + " in StatefulSet "
                  + owner.getMetadata().getName() + " failed error: " + e.getMessage()
                  : "Error deleting: " + e.getMessage());
          return Future.failedFuture(e);
        });
  }

  /** kube's wording: the StatefulSet controller says {@code create Pod web-0 in StatefulSet web successful}. */
  private static String createdMessage(HasMetadata owner, String pod) {
    return "StatefulSet".equals(owner.getKind())
        ? "create Pod " + pod + " in StatefulSet " + owner.getMetadata().getName() + " successful"
        : "Created pod: " + pod;
  }

  private static String deletedMessage(HasMetadata owner, String pod) {
    return "StatefulSet".equals(owner.getKind())
        ? "delete Pod " + pod + " in StatefulSet " + owner.getMetadata().getName() + " successful"
        : "Deleted pod: " + pod;
  }

  private static String failedCreateMessage(HasMetadata owner, Pod pod, Throwable e) {
    return "StatefulSet".equals(owner.getKind())
        ? "create Pod " + pod.getMetadata().getName() + " in StatefulSet " + owner.getMetadata().getName()
            + " failed error: " + e.getMessage()
        : "Error creating: " + e.getMessage();
  }
}
