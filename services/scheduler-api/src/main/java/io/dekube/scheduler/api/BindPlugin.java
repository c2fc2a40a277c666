package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.CompletionStage;

/**
 * Bind: stores the pod's node. Binders run in order until one does not answer
 * {@link Status#skip()}; the default binder posts the {@code pods/binding} subresource through
 * {@link Handle#bind}. Runs on the scheduler's thread; completes its stage when the bind is stored.
 */
public interface BindPlugin extends Plugin {

  CompletionStage<Status> bind(CycleState state, Pod pod, String nodeName);
}
