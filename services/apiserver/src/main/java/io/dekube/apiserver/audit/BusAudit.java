package io.dekube.apiserver.audit;

import io.dekube.core.auth.UserInfo;
import io.dekube.core.store.StoreApi;
import java.util.function.Function;

/**
 * The audit of the components that write on the bus (controllers, scheduler, kubelets, ingest): in kube each of their
 * writes is a request to kube-apiserver, which audits it; here they do not pass the apiserver, so their stores audit
 * them ({@link AuditedStore}) with the process's policy and backends, as kube-apiserver would record the requests of
 * kube's components (their users, User-Agents, URIs). Decisions: the source IP is {@code 127.0.0.1}, and the
 * authorization annotations say that the bus does not authorize ({@code allow}, reason
 * {@value AuditEvents#BUS_REASON}). Immutable.
 */
public final class BusAudit {

  private final AuditPolicy policy;
  private final AuditSink sink;

  private BusAudit(AuditPolicy policy, AuditSink sink) {
    this.policy = policy;
    this.sink = sink;
  }

  /**
   * {@code stores} with each user's calls audited by {@code policy} to {@code sink}; {@code stores} itself when
   * either is null (no policy or no backend: nothing is audited, nothing costs).
   */
  public static Function<UserInfo, StoreApi> wrap(AuditPolicy policy, AuditSink sink,
                                                  Function<UserInfo, StoreApi> stores) {
    if (policy == null || sink == null) {
      return stores;
    }
    BusAudit audit = new BusAudit(policy, sink);
    return user -> audit.as(user, stores.apply(user));
  }

  /** {@code store}, the calls of {@code user} through it audited. */
  public StoreApi as(UserInfo user, StoreApi store) {
    return new AuditedStore(store, policy, sink, user);
  }
}
