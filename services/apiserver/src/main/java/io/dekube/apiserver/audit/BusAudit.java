package io.dekube.apiserver.audit;

import io.dekube.core.auth.SystemUsers;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.store.StoreApi;
import java.util.function.Function;

/**
 * The audit of the components that write on the bus (controllers, scheduler, kubelets, ingest, the ingress
 * controller, the LoadBalancer pool, cluster DNS) and of the apiserver's own writes (its loopback client): in kube each of their
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

  /**
   * kube-apiserver's loopback user, as whom its own clients write (the system namespaces, the RBAC bootstrap policy,
   * priority classes, APF objects, the {@code kubernetes} Service, local APIServices, CRD status): kube's
   * {@code AuthorizeClientBearerToken} gives it a new uid each start and {@code system:masters}, to which the
   * authenticated group is added.
   */
  public static final UserInfo LOOPBACK = new UserInfo("system:apiserver", java.util.UUID.randomUUID().toString(),
      java.util.List.of("system:masters", UserInfo.AUTHENTICATED));

  /**
   * The users of the programs whose part dekube's components play, each its service account (kube adds the groups):
   * ingress-nginx's (the ingress controller), CoreDNS's (the cluster DNS's informers, and the endpoints it keeps for
   * the kube-dns Service as the KEP-4770 controller its label names), the cloud-controller-manager's service
   * controller (the LoadBalancer pool writes the Services' status).
   */
  public static final UserInfo INGRESS_NGINX = SystemUsers.serviceAccount("ingress-nginx", "ingress-nginx");
  public static final UserInfo COREDNS = SystemUsers.serviceAccount("kube-system", "coredns");
  public static final UserInfo SERVICE_CONTROLLER = SystemUsers.serviceAccount("kube-system", "service-controller");
  /**
   * kubeadm's, as it creates the addons' objects (the kube-dns Service, the coredns ConfigMap) at {@code kubeadm init}:
   * the user of its {@code admin.conf} since kube 1.29, {@code kubernetes-admin} in {@code kubeadm:cluster-admins};
   * the administrator's too, whose {@code kubectl apply} of metrics-server's manifests uses that file.
   */
  public static final UserInfo KUBEADM = SystemUsers.authenticated("kubernetes-admin",
      java.util.List.of("kubeadm:cluster-admins"));
  /** kube-proxy's, as kubeadm runs it (its DaemonSet's service account). */
  public static final UserInfo KUBE_PROXY = SystemUsers.serviceAccount("kube-system", "kube-proxy");

  /**
   * {@code informers} with the lists and watches of {@code user}'s component audited as kube audits its reflectors
   * ({@link ReflectorAudit}); {@code informers} itself when the policy or the sink is null.
   */
  public static java.util.function.Function<io.dekube.core.model.ResourceType, io.dekube.core.informer.Informer>
      informers(AuditPolicy policy, AuditSink sink, UserInfo user,
                java.util.function.Function<io.dekube.core.model.ResourceType, io.dekube.core.informer.Informer> informers) {
    return ReflectorAudit.wrap(policy, sink, user, informers);
  }

  /** {@code store} with {@code user}'s calls audited by {@code policy} to {@code sink}; itself when either is null. */
  public static StoreApi as(AuditPolicy policy, AuditSink sink, UserInfo user, StoreApi store) {
    return as(policy, sink, user, null, store);
  }

  /**
   * As above, the calls made with the User-Agent {@code agent} (null: that of {@code user}'s component): a user who
   * runs several programs, as an administrator runs kubeadm and kubectl ({@link #KUBECTL}).
   */
  public static StoreApi as(AuditPolicy policy, AuditSink sink, UserInfo user, String agent, StoreApi store) {
    return policy == null || sink == null ? store : new AuditedStore(store, policy, sink, user, agent);
  }

  /** kubectl's User-Agent, {@code kubectl/v1.32.0 (linux/amd64) kubernetes/...}: an administrator's apply. */
  public static final String KUBECTL = ComponentAgents.KUBECTL;

  /** {@code store}, the calls of {@code user} through it audited. */
  public StoreApi as(UserInfo user, StoreApi store) {
    return new AuditedStore(store, policy, sink, user);
  }
}
