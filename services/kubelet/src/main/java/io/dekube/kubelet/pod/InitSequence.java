package io.dekube.kubelet.pod;

import java.util.ArrayList;
import java.util.List;

/**
 * Which of a pod's init containers should run now, and whether its containers may start, as kube's
 * {@code computeInitContainerActions} decides it with sidecars (SidecarContainers, on since 1.29): the init
 * containers go in their declared order; a regular one must end successfully before the next one starts,
 * a sidecar ({@code restartPolicy: Always}) only has to be started — running, postStart returned, startup
 * probe passed — and then keeps running beside the rest: it is started again whenever it is not running.
 * Once the pod is initialized (or one of its containers has run), regular init containers never run again.
 * Pure.
 */
final class InitSequence {

  /** The init containers that should be running and are not ({@code start}), and whether the containers may start. */
  record Plan(List<ContainerRecord> start, boolean containers) {
  }

  private InitSequence() {
  }

  static Plan plan(List<ContainerRecord> inits, List<ContainerRecord> containers) {
    boolean initialized = initialized(inits, containers);
    List<ContainerRecord> start = new ArrayList<>();
    for (ContainerRecord init : inits) {
      if (init.sidecar) {
        if (!init.isRunning() && !init.starting) {
          start.add(init);
        }
        if (!initialized && !init.startedUp()) {
          return new Plan(start, false);
        }
        continue;
      }
      if (initialized || init.succeeded()) {
        continue;
      }
      if (!init.isRunning() && !init.starting) {
        start.add(init);
      }
      return new Plan(start, false);
    }
    return new Plan(start, true);
  }

  /**
   * kube's Initialized: every regular init container ended successfully and every sidecar started — or the
   * pod got that far once (one of its containers has run), so a sidecar's restart does not undo it.
   */
  static boolean initialized(List<ContainerRecord> inits, List<ContainerRecord> containers) {
    if (containers.stream().anyMatch(ContainerRecord::everRan)) {
      return true;
    }
    return inits.stream().allMatch(c -> c.sidecar ? c.startedUp() : c.succeeded());
  }

  /** The init containers that keep the pod from being initialized (kube's "containers with incomplete status"). */
  static List<String> incomplete(List<ContainerRecord> inits, List<ContainerRecord> containers) {
    if (initialized(inits, containers)) {
      return List.of();
    }
    return inits.stream().filter(c -> c.sidecar ? !c.startedUp() : !c.succeeded()).map(c -> c.name).toList();
  }
}
