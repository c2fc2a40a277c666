package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.audit.AuditPolicy.Decision;
import io.dekube.apiserver.audit.AuditPolicy.Level;
import io.dekube.apiserver.audit.AuditPolicy.Stage;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceType;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The audit of a bus component's informers as kube-apiserver audits the reflectors of kube's component: in kube each
 * informer lists its resource ({@code GET /api/v1/pods?limit=500&resourceVersion=0}) and then watches it from the
 * list's resourceVersion ({@code ?allowWatchBookmarks=true&resourceVersion=N&timeoutSeconds=T&watch=true}). dekube's
 * informers read the store topic instead (its replay is the list, its tail the watch) and are shared by the
 * components of a process; so each component is audited once per resource it asks for, when the informer has
 * replayed the topic: the list's RequestReceived (when the component asked) and ResponseComplete (at RequestResponse
 * with the list kube's watch cache answers a {@code resourceVersion=0} list with, which heeds no limit: every object
 * the informer replayed, at its resourceVersion), then the watch's RequestReceived and ResponseStarted at the replayed
 * resourceVersion. Decision: the watch, which in kube ends after {@code timeoutSeconds} (5 to 10 minutes) and is made
 * again, stays open as the tail does. Thread-safe.
 */
final class ReflectorAudit {

  private final AuditPolicy policy;
  private final AuditSink sink;
  private final UserInfo user;
  private final String agent;
  private final Set<ResourceType> asked = ConcurrentHashMap.newKeySet();

  private ReflectorAudit(AuditPolicy policy, AuditSink sink, UserInfo user) {
    this.policy = policy;
    this.sink = sink;
    this.user = user;
    this.agent = ComponentAgents.ofInformers(user);
  }

  /** {@code informers} with {@code user}'s lists and watches audited; {@code informers} itself without a policy. */
  static Function<ResourceType, Informer> wrap(AuditPolicy policy, AuditSink sink, UserInfo user,
                                               Function<ResourceType, Informer> informers) {
    if (policy == null || sink == null) {
      return informers;
    }
    ReflectorAudit audit = new ReflectorAudit(policy, sink, user);
    return type -> audit.asked(informers.apply(type));
  }

  private Informer asked(Informer informer) {
    ResourceType type = informer.type();
    if (asked.add(type)) {
      Instant at = Instant.now();
      informer.whenSynced().onSuccess(v -> listedAndWatched(informer, at));
    }
    return informer;
  }

  private void listedAndWatched(Informer informer, Instant asked) {
    ResourceType type = informer.type();
    Informer.Snapshot listed = informer.snapshot();
    long rv = listed.resourceVersion();
    BusRequest list = BusRequest.reflector("list", type, "limit=500&resourceVersion=0");
    Instant now = Instant.now();
    write(list, UUID.randomUUID().toString(), asked, now, Stage.RequestReceived, Stage.ResponseComplete,
        () -> listObject(type, listed));
    // client-go's reflector: a timeout between its minimum watch timeout (5 minutes) and twice it
    long timeout = 300 + ThreadLocalRandom.current().nextLong(300);
    BusRequest watch = BusRequest.reflector("watch", type, "allowWatchBookmarks=true&resourceVersion=" + rv
        + "&timeoutSeconds=" + timeout + "&watch=true");
    write(watch, UUID.randomUUID().toString(), now, now, Stage.RequestReceived, Stage.ResponseStarted, () -> null);
  }

  /** The list object of {@code listed}: {@code <Kind>List}, the resourceVersion, the items as stored. */
  private static ObjectNode listObject(ResourceType type, Informer.Snapshot listed) {
    ObjectNode l = io.dekube.core.model.Json.object().put("kind", type.kind() + "List")
        .put("apiVersion", type.apiVersion());
    l.putObject("metadata").put("resourceVersion", Long.toString(listed.resourceVersion()));
    com.fasterxml.jackson.databind.node.ArrayNode items = l.putArray("items");
    listed.items().forEach(items::add);
    return l;
  }

  /**
   * The request's two events, each when the policy records its stage; the second with {@code answer}'s object at
   * RequestResponse (null: none).
   */
  private void write(BusRequest r, String id, Instant received, Instant answered, Stage first, Stage second,
                     java.util.function.Supplier<ObjectNode> answer) {
    Decision d = policy.decide(r.attributes(user));
    if (d.level() == Level.None) {
      return;
    }
    for (Stage stage : new Stage[] {first, second}) {
      if (d.records(stage)) {
        Instant at = stage == first ? received : answered;
        ObjectNode response = stage == second && d.level() == Level.RequestResponse ? answer.get() : null;
        ObjectNode e = AuditEvents.busEvent(d, stage, id, r, user, agent, received, at, null, r.code(), null,
            response == null ? null : d.omitManagedFields() ? AuditEvents.withoutManagedFields(response) : response);
        AuditMetrics.generated();
        sink.process(e);
      }
    }
  }
}
