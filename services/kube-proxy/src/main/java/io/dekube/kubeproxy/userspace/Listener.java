package io.dekube.kubeproxy.userspace;

import io.dekube.core.net.Backend;
import io.vertx.core.Future;
import java.util.List;

/** One address kube-proxy listens on (TCP or UDP): it forwards what comes in to a picked backend. */
interface Listener {

  /** Binds the address. */
  Future<Void> listen();

  /** Replaces the endpoints (established connections go on with theirs). */
  void update(List<Backend> ready, boolean clientIpAffinity, int affinitySeconds);

  /** Stops listening. */
  Future<Void> close();
}
