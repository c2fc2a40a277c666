package io.dekube.scheduler.plugins.defaultbinder;

import io.dekube.scheduler.api.BindPlugin;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.concurrent.CompletionStage;

/** DefaultBinder: binds the pod through the {@code pods/binding} subresource. */
public final class DefaultBinder implements BindPlugin {

  public static final String NAME = "DefaultBinder";

  private final Handle handle;

  public DefaultBinder(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public CompletionStage<Status> bind(CycleState state, Pod pod, String nodeName) {
    return handle.bind(pod, nodeName).handle((v, e) -> e == null ? Status.success() : Status.error(e));
  }
}
