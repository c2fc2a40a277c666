package io.dekube.controllermanager.disruption;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.controllermanager.common.Times;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * kube's disruption controller: keeps each PodDisruptionBudget's status — {@code currentHealthy}
 * (ready pods not being deleted nor just evicted), {@code desiredHealthy}, {@code expectedPods} (the
 * owning controllers' scale for percentages and maxUnavailable), {@code disruptionsAllowed},
 * {@code observedGeneration}, the {@code DisruptionAllowed} condition — and forgets the
 * {@code disruptedPods} entries the eviction API wrote once their pod is gone or their two minutes
 * have passed. The status is written with the budget's resourceVersion as precondition, so an
 * eviction that decremented the budget meanwhile wins and the key is synced again.
 */
public final class DisruptionController implements Reconciler {

  static final String COMPONENT = "controllermanager";
  /** How long an evicted pod is expected to take to go away (kube's DeletionTimeout). */
  static final Duration DELETION_TIMEOUT = Duration.ofMinutes(2);

  private final ControllerContext ctx;
  private final ResourceType pdbType;
  private final Lister<PodDisruptionBudget> budgets;
  private final Lister<Pod> pods;
  private final ExpectedScale scales;
  private ControllerLoop loop;

  public DisruptionController(ControllerContext ctx) {
    this.ctx = ctx;
    this.pdbType = ctx.type("poddisruptionbudgets.policy");
    this.budgets = ctx.lister("poddisruptionbudgets.policy", PodDisruptionBudget.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.scales = new ExpectedScale(ctx);
  }

  /** The loop: budgets, and pods mapped to the budgets that select them. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "disruption", this, budgets.cache(), resync, workers);
    loop.watch(pods.cache(), this::budgetsSelecting);
    return loop;
  }

  private List<ObjectKey> budgetsSelecting(ObjectNode pod) {
    String ns = pod.path("metadata").path("namespace").asText();
    if (budgets.cache().list(ns).isEmpty()) {
      return List.of();
    }
    Map<String, String> labels = new java.util.HashMap<>();
    pod.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
    List<ObjectKey> out = new ArrayList<>();
    for (PodDisruptionBudget b : budgets.list(ns)) {
      if (b.getSpec().getSelector() != null && Selectors.of(b.getSpec().getSelector()).matches(labels)) {
        out.add(new ObjectKey(ns, b.getMetadata().getName()));
      }
    }
    return out;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    PodDisruptionBudget pdb = budgets.get(key);
    if (pdb == null) {
      return Future.succeededFuture();
    }
    Instant now = ctx.clock().instant();
    List<Pod> selected = selectedPods(pdb);
    return status(pdb, selected, now).compose(next -> {
      if (selected.isEmpty()) {
        noPods(pdb, next);
      }
      recheckLater(key, next, now);
      return write(pdb, next);
    });
  }

  /** The status a budget should have for its pods at {@code now}. */
  Future<PodDisruptionBudgetStatus> status(PodDisruptionBudget pdb, List<Pod> selected, Instant now) {
    var spec = pdb.getSpec();
    return (BudgetMath.needsScale(spec.getMinAvailable(), spec.getMaxUnavailable()) ? scales.of(selected)
        : Future.succeededFuture(new ExpectedScale.Result(selected.size(), List.of(), null)))
        .map(scale -> status(pdb, selected, scale, now));
  }

  private PodDisruptionBudgetStatus status(PodDisruptionBudget pdb, List<Pod> selected, ExpectedScale.Result scale,
                                           Instant now) {
    var spec = pdb.getSpec();
    PodDisruptionBudgetStatus s = new PodDisruptionBudgetStatus();
    s.setObservedGeneration(pdb.getMetadata().getGeneration());
    if (scale.error() != null) {
      ctx.events().record(COMPONENT, pdb, EventRecorder.WARNING, "CalculateExpectedPodCountFailed",
          "Failed to calculate the number of expected pods: " + scale.error());
      return failSafe(pdb, s, scale.error(), now);
    }
    if (!scale.unmanaged().isEmpty() && !Objects.equals(previous(pdb).getExpectedPods(), scale.scale())) {
      ctx.events().record(COMPONENT, pdb, EventRecorder.NORMAL, "UnmanagedPods", "Pods selected by this "
          + "PodDisruptionBudget (selector: " + Selectors.of(spec.getSelector()) + ") were found to be unmanaged. As a "
          + "result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To "
          + "account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.");
    }
    BudgetMath.Counts counts = BudgetMath.counts(spec.getMinAvailable(), spec.getMaxUnavailable(), selected.size(),
        scale.scale());
    Map<String, String> disrupted = disruptedPods(pdb, selected, now);
    int healthy = 0;
    for (Pod p : selected) {
      if (p.getMetadata().getDeletionTimestamp() == null && !disrupted.containsKey(p.getMetadata().getName())
          && Pods.ready(p)) {
        healthy++;
      }
    }
    s.setCurrentHealthy(healthy);
    s.setDesiredHealthy(counts.desiredHealthy());
    s.setExpectedPods(counts.expectedPods());
    s.setDisruptionsAllowed(BudgetMath.allowed(healthy, counts.desiredHealthy(), counts.expectedPods()));
    s.setDisruptedPods(disrupted.isEmpty() ? null : disrupted);
    boolean allowed = s.getDisruptionsAllowed() > 0;
    s.setConditions(List.of(condition(pdb, allowed ? "True" : "False",
        allowed ? "SufficientPods" : "InsufficientPods", "", now)));
    return s;
  }

  /** kube's failSafe: no disruption allowed, the condition says why. */
  private PodDisruptionBudgetStatus failSafe(PodDisruptionBudget pdb, PodDisruptionBudgetStatus s, String why,
                                             Instant now) {
    PodDisruptionBudgetStatus prev = previous(pdb);
    s.setCurrentHealthy(prev.getCurrentHealthy() == null ? 0 : prev.getCurrentHealthy());
    s.setDesiredHealthy(prev.getDesiredHealthy() == null ? 0 : prev.getDesiredHealthy());
    s.setExpectedPods(prev.getExpectedPods() == null ? 0 : prev.getExpectedPods());
    s.setDisruptedPods(prev.getDisruptedPods());
    s.setDisruptionsAllowed(0);
    s.setConditions(List.of(condition(pdb, "False", "SyncFailed", why, now)));
    return s;
  }

  /**
   * The disrupted pods still expected to go: entries of pods that still exist, are not yet being
   * deleted, and were evicted less than {@link #DELETION_TIMEOUT} ago (kube's buildDisruptedPodMap).
   */
  static Map<String, String> disruptedPods(PodDisruptionBudget pdb, List<Pod> selected, Instant now) {
    Map<String, String> before = previous(pdb).getDisruptedPods();
    Map<String, String> out = new TreeMap<>();
    if (before == null || before.isEmpty()) {
      return out;
    }
    for (Pod p : selected) {
      String ts = before.get(p.getMetadata().getName());
      if (ts == null || p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Instant at = Times.parse(ts);
      if (at != null && at.plus(DELETION_TIMEOUT).isAfter(now)) {
        out.put(p.getMetadata().getName(), ts);
      }
    }
    return out;
  }

  private Condition condition(PodDisruptionBudget pdb, String status, String reason, String message, Instant now) {
    Condition c = new Condition();
    c.setType("DisruptionAllowed");
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setObservedGeneration(pdb.getMetadata().getGeneration());
    String since = Times.format(now);
    for (Condition old : previous(pdb).getConditions() == null ? List.<Condition>of() : previous(pdb).getConditions()) {
      if ("DisruptionAllowed".equals(old.getType()) && status.equals(old.getStatus())) {
        since = old.getLastTransitionTime();
      }
    }
    c.setLastTransitionTime(since);
    return c;
  }

  private static PodDisruptionBudgetStatus previous(PodDisruptionBudget pdb) {
    return pdb.getStatus() == null ? new PodDisruptionBudgetStatus() : pdb.getStatus();
  }

  private List<Pod> selectedPods(PodDisruptionBudget pdb) {
    if (pdb.getSpec().getSelector() == null) {
      return List.of();
    }
    LabelSelector selector = Selectors.of(pdb.getSpec().getSelector());
    return pods.list(pdb.getMetadata().getNamespace()).stream()
        .filter(p -> selector.matches(Pods.labels(p))).toList();
  }

  private void noPods(PodDisruptionBudget pdb, PodDisruptionBudgetStatus next) {
    if (!Objects.equals(previous(pdb).getObservedGeneration(), next.getObservedGeneration())) {
      ctx.events().record(COMPONENT, pdb, EventRecorder.WARNING, "NoPods", "No matching pods found");
    }
  }

  /** Syncs again when the oldest disrupted pod's two minutes are over. */
  private void recheckLater(ObjectKey key, PodDisruptionBudgetStatus next, Instant now) {
    if (loop == null || next.getDisruptedPods() == null) {
      return;
    }
    next.getDisruptedPods().values().stream().map(Times::parse).filter(Objects::nonNull)
        .map(t -> t.plus(DELETION_TIMEOUT)).min(Instant::compareTo)
        .ifPresent(t -> loop.enqueueAfter(key, Duration.between(now, t).plusSeconds(1)));
  }

  private Future<Void> write(PodDisruptionBudget pdb, PodDisruptionBudgetStatus next) {
    if (Objects.equals(Typed.tree(previous(pdb)), Typed.tree(next))) {
      return Future.succeededFuture();
    }
    PodDisruptionBudget updated = Lister.copy(pdb);
    updated.setStatus(next);
    return ctx.store().updateStatus(pdbType, Typed.tree(updated),
        WriteOptions.none().withResourceVersion(pdb.getMetadata().getResourceVersion())).mapEmpty();
  }
}
