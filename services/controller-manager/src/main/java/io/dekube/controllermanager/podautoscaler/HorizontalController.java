package io.dekube.controllermanager.podautoscaler;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerCondition;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricStatus;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * kube's horizontal pod autoscaler controller, for Resource and ContainerResource metrics ({@code cpu},
 * {@code memory}; Utilization or AverageValue targets) read from {@code metrics.k8s.io}, Pods and Object
 * metrics from {@code custom.metrics.k8s.io} and External ones from {@code external.metrics.k8s.io}
 * (each failing as kube's when its API is not registered): every sync period (15 s) per HPA, the
 * target's replicas and selector, its pods and their usage, the count each metric asks for
 * ({@link ReplicaCalculator}), the largest of them, then kube's normalisation — the scale-down
 * stabilisation (the largest recommendation of the last 5 min by default, or the behaviour's windows and
 * policies, {@link ScalingRules}), the min/max bounds and, without a behaviour, at most
 * {@code max(2 × current, 4)} up — and a write of the target's replicas. Status (current/desired
 * replicas, current metrics, lastScaleTime, the AbleToScale/ScalingActive/ScalingLimited conditions)
 * and Events ({@code SuccessfulRescale}, {@code FailedGetResourceMetric}, ...) as kube writes them.
 * Syncs run on the loop's context.
 */
public final class HorizontalController implements Reconciler {

  public static final String COMPONENT = "horizontal-pod-autoscaler";
  /** kube's default sync period (tests step their clocks by it). */
  static final Duration SYNC_PERIOD = HpaOptions.DEFAULTS.syncPeriod();

  private final ControllerContext ctx;
  private final ResourceType hpaType;
  private final Lister<HorizontalPodAutoscaler> hpas;
  private final Lister<Pod> pods;
  private final ScaleTarget targets;
  private final MetricsSource metrics;
  private final HpaOptions options;
  private final ReplicaCalculator calc;
  private final Map<ObjectKey, ScalingRules.History> histories = new ConcurrentHashMap<>();
  private final Map<ObjectKey, LastSync> lastSyncs = new ConcurrentHashMap<>();
  /** Each HPA's target selector as last read (kube's hpaSelectors), to find pods two HPAs claim. */
  private final Map<ObjectKey, LabelSelector> selectors = new ConcurrentHashMap<>();
  private ControllerLoop loop;

  public HorizontalController(ControllerContext ctx, MetricsSource metrics) {
    this(ctx, metrics, HpaOptions.DEFAULTS);
  }

  /** With the {@code --horizontal-pod-autoscaler-*} settings of {@code options}. */
  public HorizontalController(ControllerContext ctx, MetricsSource metrics, HpaOptions options) {
    this.ctx = ctx;
    this.options = options;
    this.calc = new ReplicaCalculator(options);
    this.hpaType = ctx.type("horizontalpodautoscalers.autoscaling");
    this.hpas = ctx.lister("horizontalpodautoscalers.autoscaling", HorizontalPodAutoscaler.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.targets = new ScaleTarget(ctx);
    this.metrics = metrics;
  }

  /**
   * Where the controller reads its metrics: metrics.k8s.io, custom.metrics.k8s.io and external.metrics.k8s.io
   * through the apiserver with {@code api}, or — without credentials — a source that says so.
   */
  public static MetricsSource metricsSource(ControllerContext ctx, ApiCredentials api, HpaOptions options) {
    if (api == null) {
      return (ns, selector) -> Future.failedFuture("the controller-manager has no apiserver credentials "
          + "to read metrics.k8s.io with");
    }
    return new ApiMetricsSource(ctx.vertx(), api, ctx.lister("endpoints", io.fabric8.kubernetes.api.model.Endpoints.class),
        ctx.registry(), options.syncPeriod(), ctx.clock());
  }

  /** The loop: HPAs, each synced again every sync period (15 s by default). */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "horizontalpodautoscaler", this, hpas.cache(), resync, workers);
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    HorizontalPodAutoscaler hpa = hpas.get(key);
    if (hpa == null) {
      histories.remove(key);
      selectors.remove(key);
      lastSyncs.remove(key);
      return Future.succeededFuture();
    }
    Instant now = ctx.clock().instant();
    resyncLater(key);
    if (tooSoon(key, hpa, now)) {
      return Future.succeededFuture();
    }
    HorizontalPodAutoscalerStatus status = hpa.getStatus() == null ? new HorizontalPodAutoscalerStatus()
        : Lister.copy(hpa.getStatus());
    status.setObservedGeneration(hpa.getMetadata().getGeneration());
    return targets.find(key.namespace(), hpa.getSpec().getScaleTargetRef()).transform(ar -> ar.succeeded()
        ? scaleFound(hpa, key, status, ar.result(), now)
        : failed(hpa, status, "AbleToScale", "FailedGetScale", ar.cause().getMessage(), now));
  }

  /** The sync once the target's Scale is read: bounds, metrics, normalisation, the rescale and status. */
  private Future<Void> scaleFound(HorizontalPodAutoscaler hpa, ObjectKey key, HorizontalPodAutoscalerStatus status,
                                  ScaleTarget.Found target, Instant now) {
    condition(status, "AbleToScale", "True", "SucceededGetScale", "the HPA controller was able to get the target's "
        + "current scale", now);
    int current = target.replicas();
    status.setCurrentReplicas(current);
    ScalingRules.History history = histories.computeIfAbsent(key, k -> ScalingRules.History.starting(current, now));
    int min = hpa.getSpec().getMinReplicas() == null ? 1 : hpa.getSpec().getMinReplicas();
    int max = hpa.getSpec().getMaxReplicas();
    if (current == 0 && min != 0) {
      status.setDesiredReplicas(0);
      condition(status, "ScalingActive", "False", "ScalingDisabled", "scaling is disabled since the replica count of "
          + "the target is zero", now);
      return writeStatus(hpa, status);
    }
    if (current > max || current < min) {
      int desired = current > max ? max : min;
      String reason = current > max ? "Current number of replicas above Spec.MaxReplicas"
          : "Current number of replicas below Spec.MinReplicas";
      condition(status, "ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a "
          + "replica count", now);
      return rescale(hpa, status, target, current, desired, reason, now);
    }
    return computeReplicas(hpa, key, target, status, now).compose(proposal -> {
      if (proposal == null) {
        status.setDesiredReplicas(current);
        return writeStatus(hpa, status);
      }
      ScalingRules.Decision d = ScalingRules.normalize(hpa.getSpec().getBehavior(), history, current,
          proposal.replicas(), min, max, now, options.downscaleStabilization());
      condition(status, "AbleToScale", "True", d.stabilizedReason(), d.stabilizedMessage(), now);
      condition(status, "ScalingLimited", d.limited() ? "True" : "False", d.limitReason(), d.limitMessage(), now);
      String reason = d.replicas() > current ? proposal.metricName() + " above target" : "All metrics below target";
      return rescale(hpa, status, target, current, d.replicas(), reason, now);
    });
  }

  /**
   * Whether this HPA was synced less than a sync period ago with the same spec: kube adds every HPA event to its
   * queue with the sync period's delay, so its own status writes (and the target's replica change they
   * cause) do not make it compute again at once — which here would rescale from a target not yet seen
   * at its new size. A new HPA or a changed spec is synced at once.
   */
  private boolean tooSoon(ObjectKey key, HorizontalPodAutoscaler hpa, Instant now) {
    Long generation = hpa.getMetadata().getGeneration();
    LastSync last = lastSyncs.get(key);
    if (last != null && java.util.Objects.equals(last.generation(), generation)
        && now.isBefore(last.at().plus(options.syncPeriod()))) {
      return true;
    }
    lastSyncs.put(key, new LastSync(generation, now));
    return false;
  }

  private record LastSync(Long generation, Instant at) {
  }

  /** Syncs {@code key} again in a sync period (the queue keeps one delayed add per key, as kube's). */
  private void resyncLater(ObjectKey key) {
    if (loop != null) {
      loop.enqueueAfter(key, options.syncPeriod());
    }
  }

  /** A metric's proposal: the count it asks for and how kube names it in reasons. */
  private record Proposal(int replicas, String metricName) {
  }

  /**
   * kube's {@code computeReplicasForMetrics}: the largest count the metrics ask for, with
   * status.currentMetrics filled (an empty entry for a metric that failed, as kube's); null when all
   * metrics failed, or some did and the others would scale down (recorded as kube does).
   */
  private Future<Proposal> computeReplicas(HorizontalPodAutoscaler hpa, ObjectKey key, ScaleTarget.Found target,
                                           HorizontalPodAutoscalerStatus status, Instant now) {
    LabelSelector selector;
    try {
      selector = target.selector().get();
    } catch (RuntimeException e) {
      return invalid(hpa, status, "InvalidSelector", "InvalidSelector", "couldn't convert selector into a "
          + "corresponding internal selector object: " + e.getMessage(), null, now);
    }
    if (selector == null) {
      return invalid(hpa, status, "SelectorRequired", "InvalidSelector", "selector is required",
          "the HPA target's scale is missing a selector", now);
    }
    selectors.put(key, selector);
    List<Pod> selected = pods.list(key.namespace()).stream()
        .filter(p -> selector.matches(p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels()))
        .toList();
    List<String> controlling = controllingHpas(key.namespace(), selected);
    if (controlling.size() > 1) {
      String message = "pods by selector " + selectorText(selector) + " are controlled by multiple HPAs: ["
          + String.join(" ", controlling) + "]";
      return invalid(hpa, status, "AmbiguousSelector", "AmbiguousSelector", message, null, now);
    }
    List<MetricSpec> specs = hpa.getSpec().getMetrics();
    List<Future<Object>> each = new ArrayList<>();
    for (MetricSpec spec : specs) {
      each.add(MetricProposals.of(spec, key.namespace(), selector, selected, target.replicas(),
              target.statusReplicas(), metrics, calc, now)
          .map(p -> (Object) p).recover(e -> Future.succeededFuture(e)));
    }
    return Future.join(each).compose(all -> {
      MetricProposals.Measured best = null;
      MetricProposals.MetricError firstError = null;
      int invalid = 0;
      List<MetricStatus> current = new ArrayList<>();
      for (int i = 0; i < specs.size(); i++) {
        Object r = all.resultAt(i);
        if (r instanceof Throwable t) {
          MetricProposals.MetricError me = t instanceof MetricProposals.MetricError m ? m
              : new MetricProposals.MetricError("FailedGetResourceMetric", t.getMessage(), t.getMessage());
          ctx.events().record(COMPONENT, hpa, EventRecorder.WARNING, me.reason, me.getMessage());
          invalid++;
          firstError = firstError == null ? me : firstError;
          MetricStatus empty = new MetricStatus();
          empty.setType(""); // kube's zero MetricStatus: {"type": ""}
          current.add(empty);
          continue;
        }
        MetricProposals.Measured m = (MetricProposals.Measured) r;
        current.add(m.status());
        if (best == null || m.replicas() > best.replicas()) {
          best = m;
        }
      }
      status.setCurrentMetrics(current);
      if (invalid > 0 && (invalid == specs.size() || best.replicas() < target.replicas())) {
        ctx.events().record(COMPONENT, hpa, EventRecorder.WARNING, "FailedComputeMetricsReplicas", "invalid metrics ("
            + invalid + " invalid out of " + specs.size() + "), first error is: " + firstError.wrapped);
        condition(status, "ScalingActive", "False", firstError.reason, "the HPA was unable to compute the replica "
            + "count: " + firstError.getMessage(), now);
        return Future.succeededFuture(null);
      }
      condition(status, "ScalingActive", "True", "ValidMetricFound", "the HPA was able to successfully calculate a "
          + "replica count from " + best.metricName(), now);
      return Future.succeededFuture(new Proposal(best.replicas(), best.metricName()));
    });
  }

  /** The HPAs of {@code namespace} whose last selector matches one of {@code selected}, as {@code ns/name}, sorted. */
  private List<String> controllingHpas(String namespace, List<Pod> selected) {
    return selectors.entrySet().stream().filter(e -> e.getKey().namespace().equals(namespace))
        .filter(e -> hpas.get(e.getKey()) != null)
        .filter(e -> selected.stream().anyMatch(p -> e.getValue().matches(p.getMetadata().getLabels() == null
            ? Map.of() : p.getMetadata().getLabels())))
        .map(e -> e.getKey().namespace() + "/" + e.getKey().name()).sorted().toList();
  }

  /** A selector as the Scale's {@code status.selector} string ({@code app=web,tier in (a,b)}). */
  private static String selectorText(LabelSelector selector) {
    return selector.requirements().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(","));
  }

  private Future<Void> rescale(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status,
                               ScaleTarget.Found target, int current, int desired, String reason, Instant now) {
    status.setDesiredReplicas(desired);
    if (desired == current) {
      return writeStatus(hpa, status);
    }
    return targets.scale(target, desired).transform(ar -> {
      if (ar.failed()) {
        ctx.events().record(COMPONENT, hpa, EventRecorder.WARNING, "FailedRescale", "New size: " + desired
            + "; reason: " + reason + "; error: " + ar.cause().getMessage());
        condition(status, "AbleToScale", "False", "FailedUpdateScale", "the HPA controller was unable to update the "
            + "target scale: " + ar.cause().getMessage(), now);
        return writeStatus(hpa, status);
      }
      ctx.events().record(COMPONENT, hpa, EventRecorder.NORMAL, "SuccessfulRescale", "New size: " + desired
          + "; reason: " + reason);
      condition(status, "AbleToScale", "True", "SucceededRescale", "the HPA controller was able to update the target "
          + "scale to " + desired, now);
      status.setLastScaleTime(now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
      histories.computeIfPresent(new ObjectKey(hpa.getMetadata().getNamespace(), hpa.getMetadata().getName()),
          (k, h) -> {
            h.scaled(current, desired, now);
            return h;
          });
      return writeStatus(hpa, status);
    });
  }

  private Future<Void> failed(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status, String type,
                              String reason, String message, Instant now) {
    ctx.events().record(COMPONENT, hpa, EventRecorder.WARNING, reason, message);
    condition(status, type, "False", reason, "the HPA controller was unable to get the target's current scale: "
        + message, now);
    return writeStatus(hpa, status);
  }

  private <T> Future<T> invalid(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status, String eventReason,
                                String reason, String message, String conditionMessage, Instant now) {
    ctx.events().record(COMPONENT, hpa, EventRecorder.WARNING, eventReason, message);
    condition(status, "ScalingActive", "False", reason, conditionMessage == null ? message : conditionMessage, now);
    return Future.succeededFuture(null);
  }

  /** Sets a condition; its lastTransitionTime moves only when its status changes. */
  static void condition(HorizontalPodAutoscalerStatus status, String type, String value, String reason,
                        String message, Instant now) {
    List<HorizontalPodAutoscalerCondition> all = status.getConditions() == null ? new ArrayList<>()
        : new ArrayList<>(status.getConditions());
    HorizontalPodAutoscalerCondition existing = all.stream().filter(c -> type.equals(c.getType())).findFirst()
        .orElse(null);
    String since = existing != null && value.equals(existing.getStatus()) ? existing.getLastTransitionTime()
        : now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    HorizontalPodAutoscalerCondition c = new HorizontalPodAutoscalerCondition();
    c.setType(type);
    c.setStatus(value);
    c.setReason(reason);
    c.setMessage(message);
    c.setLastTransitionTime(since);
    if (existing != null) {
      all.set(all.indexOf(existing), c);
    } else {
      all.add(c);
    }
    status.setConditions(all);
  }

  private Future<Void> writeStatus(HorizontalPodAutoscaler hpa, HorizontalPodAutoscalerStatus status) {
    if (hpa.getStatus() != null && Typed.tree(status).equals(Typed.tree(hpa.getStatus()))) {
      return Future.succeededFuture();
    }
    HorizontalPodAutoscaler next = Lister.copy(hpa);
    next.setStatus(status);
    return ctx.store().updateStatus(hpaType, Typed.tree(next), WriteOptions.none()).mapEmpty();
  }
}
