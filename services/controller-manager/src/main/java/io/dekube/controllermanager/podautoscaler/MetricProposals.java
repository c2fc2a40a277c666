package io.dekube.controllermanager.podautoscaler;

import io.dekube.core.informer.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ContainerResourceMetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ResourceMetricStatus;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one metric of an HPA asks for, as kube's {@code computeReplicasForMetric}: Resource and
 * ContainerResource metrics from the resource metrics API (AverageValue first, then Utilization;
 * the metric's name, its status, or the error and event reason in kube's words); Pods, Object and
 * External ones from the custom and external metrics APIs ({@link CustomMetricProposals}). Stateless.
 */
final class MetricProposals {

  /** A metric's count, its name in kube's reasons and its status. */
  record Measured(int replicas, String metricName, MetricStatus status) {
  }

  /**
   * A metric's failure: the event reason (also the condition's), the error as the condition and event
   * give it, and as {@code FailedComputeMetricsReplicas} wraps it.
   */
  static final class MetricError extends Exception {
    final String reason;
    final String wrapped;

    MetricError(String reason, String message, String wrapped) {
      super(message);
      this.reason = reason;
      this.wrapped = wrapped;
    }
  }

  private MetricProposals() {
  }

  /**
   * The count {@code spec} asks for; {@code current} is the target's {@code spec.replicas},
   * {@code statusReplicas} its {@code status.replicas} (what per-pod targets of objects and external metrics
   * divide by, as kube's).
   */
  static Future<Measured> of(MetricSpec spec, String namespace, LabelSelector selector, List<Pod> pods, int current,
                             int statusReplicas, MetricsSource metrics, ReplicaCalculator calc, Instant now) {
    String type = spec.getType() == null ? "" : spec.getType();
    switch (type) {
      case "Resource" -> {
        String resource = spec.getResource().getName();
        return resource(spec.getResource().getTarget(), resource, null, namespace, selector, pods, current, metrics,
            calc, now, "FailedGetResourceMetric", "failed to get " + resource + " resource metric value: ");
      }
      case "ContainerResource" -> {
        var source = spec.getContainerResource();
        return resource(source.getTarget(), source.getName(), source.getContainer(), namespace, selector, pods,
            current, metrics, calc, now, "FailedGetContainerResourceMetric", "failed to get " + source.getContainer()
                + " container metric value: ");
      }
      case "Pods" -> {
        return CustomMetricProposals.pods(spec.getPods(), namespace, selector, pods, current, metrics, calc, now);
      }
      case "Object" -> {
        return CustomMetricProposals.object(spec.getObject(), namespace, pods, current, statusReplicas, metrics,
            calc);
      }
      case "External" -> {
        return CustomMetricProposals.external(spec.getExternal(), namespace, pods, current, statusReplicas,
            metrics, calc);
      }
      default -> {
        String message = "unknown metric source type \"" + type + "\"";
        return fail("InvalidMetricSourceType", message, message);
      }
    }
  }

  static Future<Measured> fail(String reason, String message, String wrapped) {
    return Future.failedFuture(new MetricError(reason, message, wrapped));
  }

  /**
   * kube's {@code computeStatusForResourceMetricGeneric}: an AverageValue target is compared with the
   * pods' raw average, a Utilization one with their usage as a percentage of their requests — of the
   * whole pod, or of {@code container} alone.
   */
  private static Future<Measured> resource(MetricTarget target, String resource, String container, String namespace,
                                           LabelSelector selector, List<Pod> pods, int current, MetricsSource metrics,
                                           ReplicaCalculator calc, Instant now, String reason, String outer) {
    if (target.getAverageValue() == null && target.getAverageUtilization() == null) {
      String message = "invalid resource metric source: neither an average utilization target nor an average value "
          + "(usage) target was set";
      return fail(reason, message, outer + message);
    }
    boolean raw = target.getAverageValue() != null;
    String failedTo = "failed to get " + resource + (raw ? " usage: " : " utilization: ");
    return metrics.pods(namespace, selector).transform(ar -> {
      try {
        Map<String, PodSample> samples;
        try {
          if (ar.failed()) {
            throw new ReplicaCalculator.CalculationException("unable to fetch metrics from resource metrics API: "
                + ar.cause().getMessage());
          }
          samples = PodMetrics.samples(ar.result(), resource, container);
        } catch (ReplicaCalculator.CalculationException e) {
          throw new ReplicaCalculator.CalculationException("unable to get metrics for resource " + resource + ": "
              + e.getMessage());
        }
        MetricValueStatus value = new MetricValueStatus();
        String name;
        ReplicaCalculator.Result r;
        if (raw) {
          r = calc.averageValue(current, ReplicaCalculator.milli(target.getAverageValue()), samples, pods,
              resource, now);
          name = resource + " resource";
        } else {
          r = calc.utilization(current, target.getAverageUtilization(), samples, pods, resource, container,
              now);
          value.setAverageUtilization(r.utilization());
          name = resource + (container == null ? "" : " container") + " resource utilization (percentage of request)";
        }
        value.setAverageValue(milliQuantity(r.averageMilli()));
        MetricStatus ms = new MetricStatus();
        if (container == null) {
          ms.setType("Resource");
          ms.setResource(new ResourceMetricStatus(value, resource));
        } else {
          ms.setType("ContainerResource");
          ms.setContainerResource(new ContainerResourceMetricStatus(container, value, resource));
        }
        return Future.succeededFuture(new Measured(r.replicas(), name, ms));
      } catch (ReplicaCalculator.CalculationException e) {
        String message = failedTo + e.getMessage();
        return fail(reason, message, outer + message);
      }
    });
  }

  /**
   * A milli-value as kube's {@code NewMilliQuantity(v, DecimalSI)} prints it: the largest SI suffix that keeps
   * it whole ({@code 150m}, {@code 1}, {@code 52428800}, {@code 100M}).
   */
  static Quantity milliQuantity(long milli) {
    if (milli == 0) {
      return new Quantity("0");
    }
    String[] suffixes = {"m", "", "k", "M", "G", "T", "P", "E"};
    long v = milli;
    int i = 0;
    while (i < suffixes.length - 1 && v % 1000 == 0) {
      v /= 1000;
      i++;
    }
    return new Quantity(v + suffixes[i]);
  }

  /** A metav1.LabelSelector as Go's {@code %+v} prints one (its generated String), {@code nil} for none. */
  static String selectorString(io.fabric8.kubernetes.api.model.LabelSelector s) {
    if (s == null) {
      return "nil";
    }
    StringBuilder labels = new StringBuilder("map[string]string{");
    new TreeMap<>(s.getMatchLabels() == null ? Map.<String, String>of() : s.getMatchLabels())
        .forEach((k, v) -> labels.append(k).append(": ").append(v).append(','));
    labels.append('}');
    StringBuilder expressions = new StringBuilder("[]LabelSelectorRequirement{");
    if (s.getMatchExpressions() != null) {
      s.getMatchExpressions().forEach(e -> expressions.append("LabelSelectorRequirement{Key:").append(e.getKey())
          .append(",Operator:").append(e.getOperator()).append(",Values:[")
          .append(String.join(" ", e.getValues() == null ? List.of() : e.getValues())).append("],},"));
    }
    expressions.append('}');
    return "&LabelSelector{MatchLabels:" + labels + ",MatchExpressions:" + expressions + ",}";
  }
}
