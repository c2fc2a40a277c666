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

  private JobPods() {
  }

  /** A pod of the job; {@code index} < 0 for NonIndexed jobs. */
  static Pod build(PodTemplateSpec template, HasMetadata job, int index) {
    String name = job.getMetadata().getName();
    Pod p = Pods.fromTemplate(template, job, index < 0 ? name + "-" : name + "-" + index + "-");
    if (index >= 0) {
      if (p.getMetadata().getAnnotations() == null) {
        p.getMetadata().setAnnotations(new HashMap<>());
      }
      p.getMetadata().getAnnotations().put(INDEX, Integer.toString(index));
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

  /** The pod's completion index, or -1 when it has none (or a bad one). */
  static int index(Pod p) {
    String v = p.getMetadata().getAnnotations() == null ? null : p.getMetadata().getAnnotations().get(INDEX);
    if (v == null) {
      v = Pods.labels(p).get(INDEX);
    }
    try {
      return v == null ? -1 : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** When a finished pod finished: its last container's finishedAt, else its Ready condition's change, else its creation. */
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
    return latest != null ? latest : Times.parse(p.getMetadata().getCreationTimestamp());
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
