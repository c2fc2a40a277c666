package io.dekube.kubeproxy.userspace;

import io.vertx.core.Future;

/** One address kube-proxy listens on (TCP or UDP): it forwards what comes in to a picked backend. */
interface Listener {

  /** Binds the address. */
  Future<Void> listen();

  /** Replaces the endpoints and settings (established connections go on with theirs). */
  void update(ListenerPlan.Target target);

  /** Stops listening. */
  Future<Void> close();
}
