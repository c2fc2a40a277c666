package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.CompletionStage;

/**
 * PreBind: work that must be done before the pod is bound (attach a volume...). Runs in the
 * binding cycle, on the scheduler's thread; may do I/O and completes its stage when done. A
 * failure un-assumes the pod and retries it with back-off.
 */
public interface PreBindPlugin extends Plugin {

  CompletionStage<Status> preBind(CycleState state, Pod pod, String nodeName);
}
