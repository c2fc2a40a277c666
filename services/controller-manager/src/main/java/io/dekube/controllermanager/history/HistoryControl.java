package io.dekube.controllermanager.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Owners;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's {@code pkg/controller/history} against the store: the revisions an owner controls, the
 * revision of its current template (reused when one holds the same data — renumbered to the newest
 * if it was an older one, as after {@code rollout undo} — else created, with a bumped collision
 * count on a name clash), and the pruning of old revisions beyond {@code revisionHistoryLimit}.
 * Calls run on the controller's context.
 */
public final class HistoryControl {

  /** The revision of the current template and the collision count it was named with. */
  public record Current(ControllerRevision revision, Integer collisionCount) {
  }

  private final ControllerContext ctx;
  private final ResourceType revType;
  private final Lister<ControllerRevision> revisions;

  public HistoryControl(ControllerContext ctx) {
    this.ctx = ctx;
    this.revType = ctx.type("controllerrevisions.apps");
    this.revisions = ctx.lister("controllerrevisions.apps", ControllerRevision.class);
  }

  /** The lister of revisions (for the loop's watch). */
  public Lister<ControllerRevision> lister() {
    return revisions;
  }

  /** The revisions the owner controls, oldest first. */
  public List<ControllerRevision> owned(HasMetadata owner) {
    List<ControllerRevision> out = new ArrayList<>();
    for (ControllerRevision r : revisions.list(owner.getMetadata().getNamespace())) {
      if (Owners.controlledBy(r.getMetadata(), owner)) {
        out.add(r);
      }
    }
    return Revisions.byRevision(out);
  }

  /** The revision holding {@code data}: an equal one (renumbered when older than the newest), else a new one. */
  public Future<Current> current(HasMetadata owner, Map<String, String> templateLabels, JsonNode data,
                                 List<ControllerRevision> owned, Integer collisionCount) {
    long max = Revisions.maxRevision(owned);
    ControllerRevision equal = null;
    for (ControllerRevision r : owned) {
      if (Revisions.equal(r, data)) {
        equal = r;
      }
    }
    if (equal != null) {
      if (equal.getRevision() != null && equal.getRevision() == max) {
        return Future.succeededFuture(new Current(equal, collisionCount));
      }
      ControllerRevision next = Lister.copy(equal);
      next.setRevision(max + 1);
      return ctx.store().update(revType, Typed.tree(next), WriteOptions.none())
          .map(t -> new Current(Typed.from(t, ControllerRevision.class), collisionCount));
    }
    return create(owner, templateLabels, data, max + 1, collisionCount, 0);
  }

  private Future<Current> create(HasMetadata owner, Map<String, String> labels, JsonNode data, long revision,
                                 Integer collisionCount, int attempt) {
    ControllerRevision r = Revisions.build(owner, labels, data, revision, collisionCount);
    return ctx.store().create(revType, owner.getMetadata().getNamespace(), Typed.tree(r), WriteOptions.none())
        .map(t -> new Current(Typed.from(t, ControllerRevision.class), collisionCount))
        .recover(e -> {
          if (!(e instanceof StatusException se) || se.code() != 409 || attempt >= 5) {
            return Future.failedFuture(e);
          }
          return ctx.store().get(revType, owner.getMetadata().getNamespace(), r.getMetadata().getName())
              .compose(existing -> {
                ControllerRevision other = Typed.from(existing, ControllerRevision.class);
                if (Owners.controlledBy(other.getMetadata(), owner) && Revisions.equal(other, data)) {
                  return Future.succeededFuture(new Current(other, collisionCount));
                }
                int bumped = collisionCount == null ? 1 : collisionCount + 1;
                return create(owner, labels, data, revision, bumped, attempt + 1);
              });
        });
  }

  /** Deletes the oldest revisions not in {@code live} beyond {@code limit} (kube's truncateHistory). */
  public Future<Void> truncate(List<ControllerRevision> owned, Set<String> live, int limit) {
    List<ControllerRevision> old = new ArrayList<>();
    for (ControllerRevision r : Revisions.byRevision(owned)) {
      if (!live.contains(r.getMetadata().getName())) {
        old.add(r);
      }
    }
    List<Future<?>> deletes = new ArrayList<>();
    for (int i = 0; i < old.size() - Math.max(0, limit); i++) {
      ControllerRevision r = old.get(i);
      deletes.add(ctx.store().delete(revType, r.getMetadata().getNamespace(), r.getMetadata().getName(),
          WriteOptions.none().withUid(r.getMetadata().getUid())).recover(e -> Future.succeededFuture()));
    }
    return Future.join(deletes).mapEmpty();
  }
}
