package io.dekube.controllermanager.podautoscaler;

import io.dekube.controllermanager.common.Selectors;
import io.dekube.core.informer.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ExternalMetricSource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ExternalMetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricIdentifier;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricTarget;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricValueStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ObjectMetricSource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.ObjectMetricStatus;
import io.fabric8.kubernetes.api.model.autoscaling.v2.PodsMetricSource;
import io.fabric8.kubernetes.api.model.autoscaling.v2.PodsMetricStatus;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What Pods, Object and External metrics ask for, as kube's {@code computeStatusForPodsMetric},
 * {@code computeStatusForObjectMetric} and {@code computeStatusForExternalMetric} with the replica
 * calculator's {@code GetMetricReplicas} (the pods' average against an AverageValue target, pods grouped
 * as for resource metrics but without CPU's readiness rules), {@code GetObjectMetricReplicas} and
 * {@code GetExternalMetricReplicas} (a Value target: the ratio times the ready pods),
 * {@code GetObjectPerPodMetricReplicas} and {@code GetExternalPerPodMetricReplicas} (an AverageValue
 * target: the total over the target's {@code status.replicas}); each metric's status, its name in
 * reasons, and its errors, event reasons and wrappings in kube's words (kube's quirks kept: an object
 * metric with an AverageValue target is named {@code external metric <name>(<selector>)} and its
 * status has no {@code describedObject}). Stateless.
 */
final class CustomMetricProposals {

  private static final String CUSTOM_FETCH = "unable to fetch metrics from custom metrics API: ";
  private static final String EXTERNAL_FETCH = "unable to fetch metrics from external metrics API: ";

  private CustomMetricProposals() {
  }

  static Future<MetricProposals.Measured> pods(PodsMetricSource source, String namespace, LabelSelector selector,
                                               List<Pod> pods, int current, MetricsSource metrics, ReplicaCalculator calc,
                                               Instant now) {
    String name = source.getMetric().getName();
    String reason = "FailedGetPodsMetric";
    String outer = "failed to get pods metric value: ";
    LabelSelector metricSelector;
    try {
      metricSelector = Selectors.of(source.getMetric().getSelector());
    } catch (RuntimeException e) {
      return MetricProposals.fail(reason, e.getMessage(), outer + e.getMessage());
    }
    MetricTarget target = source.getTarget();
    return metrics.podsMetric(namespace, selector, name, metricSelector).transform(ar -> {
      String message;
      if (ar.failed()) {
        message = "unable to get metric " + name + ": " + CUSTOM_FETCH + ar.cause().getMessage();
      } else if (ar.result().isEmpty()) {
        message = "unable to get metric " + name + ": no metrics returned from custom metrics API";
      } else {
        Map<String, PodSample> samples = new HashMap<>();
        ar.result().forEach(m -> samples.put(m.name(), new PodSample(m.milliValue(), m.timestamp(), m.window())));
        try {
          ReplicaCalculator.Result r = calc.averageValue(current,
              ReplicaCalculator.milli(target.getAverageValue()), samples, pods, "", now);
          MetricStatus status = new MetricStatus();
          status.setType("Pods");
          status.setPods(new PodsMetricStatus(averageValue(r.averageMilli()), identifier(source.getMetric())));
          return Future.succeededFuture(new MetricProposals.Measured(r.replicas(), "pods metric " + name, status));
        } catch (ReplicaCalculator.CalculationException e) {
          message = e.getMessage();
        }
      }
      return MetricProposals.fail(reason, message, outer + message);
    });
  }

  static Future<MetricProposals.Measured> object(ObjectMetricSource source, String namespace, List<Pod> pods,
                                                 int current, int statusReplicas, MetricsSource metrics,
                                                 ReplicaCalculator calc) {
    String name = source.getMetric().getName();
    String reason = "FailedGetObjectMetric";
    String outer = "failed to get object metric value: ";
    MetricTarget target = source.getTarget();
    boolean value = "Value".equals(target.getType()) && target.getValue() != null;
    boolean average = "AverageValue".equals(target.getType()) && target.getAverageValue() != null;
    LabelSelector metricSelector;
    try {
      metricSelector = Selectors.of(source.getMetric().getSelector());
    } catch (RuntimeException e) {
      return MetricProposals.fail(reason, e.getMessage(), outer + e.getMessage());
    }
    if (!value && !average) {
      String invalid = "invalid object metric source: neither a value target nor an average value target was set";
      return MetricProposals.fail(reason, invalid, outer + invalid);
    }
    var described = source.getDescribedObject();
    String wrap = value ? outer : outer + "failed to get " + name + " object metric: ";
    return metrics.objectMetric(namespace, described.getApiVersion(), described.getKind(), described.getName(), name,
        metricSelector).transform(ar -> {
          String message;
          if (ar.failed()) {
            // kube's format string puts its arguments one place off: the kind after the metric's name
            message = "unable to get metric " + name + ": " + described.getKind() + " on " + namespace + " "
                + described.getName() + "/" + CUSTOM_FETCH + ar.cause().getMessage();
            return MetricProposals.fail(reason, message, wrap + message);
          }
          long usage = ar.result().milliValue();
          MetricStatus status = new MetricStatus();
          status.setType("Object");
          if (average) {
            ReplicaCalculator.Result r = calc.perPod(statusReplicas, usage,
                ReplicaCalculator.milli(target.getAverageValue()));
            status.setObject(new ObjectMetricStatus(averageValue(r.averageMilli()), null,
                identifier(source.getMetric())));
            return Future.succeededFuture(new MetricProposals.Measured(r.replicas(), "external metric " + name + "("
                + MetricProposals.selectorString(source.getMetric().getSelector()) + ")", status));
          }
          try {
            ReplicaCalculator.Result r = calc.usageRatio(current, usage,
                ReplicaCalculator.milli(target.getValue()), pods);
            status.setObject(new ObjectMetricStatus(value(usage), described, identifier(source.getMetric())));
            return Future.succeededFuture(new MetricProposals.Measured(r.replicas(), described.getKind() + " metric "
                + name, status));
          } catch (ReplicaCalculator.CalculationException e) {
            return MetricProposals.fail(reason, e.getMessage(), wrap + e.getMessage());
          }
        });
  }

  static Future<MetricProposals.Measured> external(ExternalMetricSource source, String namespace, List<Pod> pods,
                                                   int current, int statusReplicas, MetricsSource metrics,
                                                   ReplicaCalculator calc) {
    String name = source.getMetric().getName();
    String reason = "FailedGetExternalMetric";
    String outer = "failed to get " + name + " external metric value: ";
    MetricTarget target = source.getTarget();
    boolean average = target.getAverageValue() != null;
    if (!average && target.getValue() == null) {
      String invalid = "invalid external metric source: neither a value target nor an average value target was set";
      return MetricProposals.fail(reason, invalid, outer + invalid);
    }
    String wrap = outer + (average ? "failed to get " + name + " external metric: "
        : "failed to get external metric " + name + ": ");
    io.fabric8.kubernetes.api.model.LabelSelector spec = source.getMetric().getSelector();
    LabelSelector metricSelector;
    try {
      metricSelector = Selectors.of(spec);
    } catch (RuntimeException e) {
      return MetricProposals.fail(reason, e.getMessage(), wrap + e.getMessage());
    }
    String about = "unable to get external metric " + namespace + "/" + name + "/"
        + MetricProposals.selectorString(spec) + ": ";
    return metrics.externalMetric(namespace, name, metricSelector).transform(ar -> {
      String message;
      if (ar.failed()) {
        message = about + EXTERNAL_FETCH + ar.cause().getMessage();
      } else if (ar.result().isEmpty()) {
        message = about + "no metrics returned from external metrics API";
      } else {
        long sum = ar.result().stream().mapToLong(MetricsSource.MetricSample::milliValue).sum();
        String metricName = "external metric " + name + "(" + MetricProposals.selectorString(spec) + ")";
        MetricStatus status = new MetricStatus();
        status.setType("External");
        if (average) {
          ReplicaCalculator.Result r = calc.perPod(statusReplicas, sum,
              ReplicaCalculator.milli(target.getAverageValue()));
          status.setExternal(new ExternalMetricStatus(averageValue(r.averageMilli()), identifier(source.getMetric())));
          return Future.succeededFuture(new MetricProposals.Measured(r.replicas(), metricName, status));
        }
        try {
          ReplicaCalculator.Result r = calc.usageRatio(current, sum,
              ReplicaCalculator.milli(target.getValue()), pods);
          status.setExternal(new ExternalMetricStatus(value(sum), identifier(source.getMetric())));
          return Future.succeededFuture(new MetricProposals.Measured(r.replicas(), metricName, status));
        } catch (ReplicaCalculator.CalculationException e) {
          message = e.getMessage();
        }
      }
      return MetricProposals.fail(reason, message, wrap + message);
    });
  }

  private static MetricIdentifier identifier(MetricIdentifier spec) {
    return new MetricIdentifier(spec.getName(), spec.getSelector());
  }

  private static MetricValueStatus averageValue(long milli) {
    MetricValueStatus v = new MetricValueStatus();
    v.setAverageValue(MetricProposals.milliQuantity(milli));
    return v;
  }

  private static MetricValueStatus value(long milli) {
    MetricValueStatus v = new MetricValueStatus();
    v.setValue(MetricProposals.milliQuantity(milli));
    return v;
  }
}
