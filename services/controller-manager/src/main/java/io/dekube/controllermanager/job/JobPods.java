package io.dekube.controllermanager.job;

import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** The pods of a Job: built from its template (with the completion index when Indexed), and read back (phase, index, finish time). Pure. */
final class JobPods {

  /** The label and annotation holding an Indexed Job pod's completion index. */
  static final String INDEX = "batch.kubernetes.io/job-completion-index";
  /** The env variable kube sets to the index. */
  static final String INDEX_ENV = "JOB_COMPLETION_INDEX";
  /** The finalizer that keeps a pod until its Job has counted it. */
  static final String TRACKING = "batch.kubernetes.io/job-tracking";
  /** The counted failures of the index before this pod (backoffLimitPerIndex). */
  static final String FAILURE_COUNT = "batch.kubernetes.io/job-index-failure-count";
  /** The failures of the index before this pod that the podFailurePolicy ignored. */
  static final String IGNORED_FAILURE_COUNT = "batch.kubernetes.io/job-index-ignored-failure-count";

  private JobPods() {
  }

  /**
   * A pod of the job, with the tracking finalizer; {@code index} < 0 for NonIndexed jobs;
   * {@code failures} (the index's failure counts, backoffLimitPerIndex) null otherwise.
   */
  static Pod build(PodTemplateSpec template, HasMetadata job, int index, int[] failures) {
    String name = job.getMetadata().getName();
    Pod p = Pods.fromTemplate(template, job, index < 0 ? name + "-" : name + "-" + index + "-");
    List<String> finalizers = p.getMetadata().getFinalizers() == null ? new ArrayList<>()
        : new ArrayList<>(p.getMetadata().getFinalizers());
    if (!finalizers.contains(TRACKING)) {
      finalizers.add(TRACKING);
    }
    p.getMetadata().setFinalizers(finalizers);
    if (index >= 0) {
      if (p.getMetadata().getAnnotations() == null) {
        p.getMetadata().setAnnotations(new HashMap<>());
      }
      p.getMetadata().getAnnotations().put(INDEX, Integer.toString(index));
      if (failures != null) {
        p.getMetadata().getAnnotations().put(FAILURE_COUNT, Integer.toString(failures[0]));
        if (failures[1] > 0) {
          p.getMetadata().getAnnotations().put(IGNORED_FAILURE_COUNT, Integer.toString(failures[1]));
        }
      }
      p.getMetadata().getLabels().put(INDEX, Integer.toString(index));
      if (p.getSpec().getHostname() == null) {
        p.getSpec().setHostname(name + "-" + index);
      }
      List<Container> all = new ArrayList<>(p.getSpec().getContainers());
      if (p.getSpec().getInitContainers() != null) {
        all.addAll(p.getSpec().getInitContainers());
      }
      for (Container c : all) {
        List<EnvVar> env = c.getEnv() == null ? new ArrayList<>() : new ArrayList<>(c.getEnv());
        if (env.stream().noneMatch(e -> INDEX_ENV.equals(e.getName()))) {
          env.add(new EnvVar(INDEX_ENV, null, new EnvVarSourceBuilder().withNewFieldRef()
              .withApiVersion("v1").withFieldPath("metadata.annotations['" + INDEX + "']").endFieldRef().build()));
        }
        c.setEnv(env);
      }
    }
    return p;
  }

  static String phase(Pod p) {
    return p.getStatus() == null || p.getStatus().getPhase() == null ? "Pending" : p.getStatus().getPhase();
  }

  static boolean succeeded(Pod p) {
    return "Succeeded".equals(phase(p));
  }

  static boolean failed(Pod p) {
    return "Failed".equals(phase(p));
  }

  static boolean deleting(Pod p) {
    return p.getMetadata().getDeletionTimestamp() != null;
  }

  /** kube's {@code FilterActivePods}: not finished and not being deleted. */
  static boolean active(Pod p) {
    return !succeeded(p) && !failed(p) && !deleting(p);
  }

  /** kube's {@code CountTerminatingPods}: being deleted and not finished. */
  static boolean terminating(Pod p) {
    return deleting(p) && !succeeded(p) && !failed(p);
  }

  /** Whether the pod still holds the Job's tracking finalizer (it is not counted yet). */
  static boolean tracked(Pod p) {
    return p.getMetadata().getFinalizers() != null && p.getMetadata().getFinalizers().contains(TRACKING);
  }

  /** An annotation holding a count (the failure counts), 0 when absent or not a valid count. */
  static int count(Pod p, String annotation) {
    String v = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(annotation);
    try {
      int n = v == null ? 0 : Integer.parseInt(v);
      return Math.max(n, 0);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The pod's completion index (its annotation, as kube reads it), or -1 when it has none (or a bad one). */
  static int index(Pod p) {
    String v = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(INDEX);
    try {
      return v == null ? -1 : Math.max(-1, Integer.parseInt(v));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * When a finished pod finished: its last container's finishedAt, else its Ready condition's change,
   * else its deletion, else its creation.
   */
  static Instant finishedAt(Pod p) {
    Instant latest = null;
    if (p.getStatus() != null && p.getStatus().getContainerStatuses() != null) {
      for (ContainerStatus cs : p.getStatus().getContainerStatuses()) {
        if (cs.getState() != null && cs.getState().getTerminated() != null) {
          Instant t = Times.parse(cs.getState().getTerminated().getFinishedAt());
          if (t != null && (latest == null || t.isAfter(latest))) {
            latest = t;
          }
        }
      }
    }
    if (latest == null) {
      PodCondition ready = Pods.readyCondition(p);
      latest = ready == null ? null : Times.parse(ready.getLastTransitionTime());
    }
    if (latest == null && p.getMetadata().getDeletionTimestamp() != null) {
      latest = Times.parse(p.getMetadata().getDeletionTimestamp());
    }
    Instant created = Times.parse(p.getMetadata().getCreationTimestamp());
    return latest != null ? latest : created != null ? created : Instant.EPOCH;
  }

  /** The container restarts of a pod (restartPolicy OnFailure counts them against backoffLimit). */
  static int restarts(Pod p) {
    int n = 0;
    if (p.getStatus() != null) {
      for (List<ContainerStatus> l : java.util.Arrays.asList(p.getStatus().getContainerStatuses(),
          p.getStatus().getInitContainerStatuses())) {
        if (l != null) {
          for (ContainerStatus cs : l) {
            n += cs.getRestartCount() == null ? 0 : cs.getRestartCount();
          }
        }
      }
    }
    return n;
  }
}
