package io.dekube.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.ListOptions;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.FieldManagedStore;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiextensions' controllers for CustomResourceDefinitions, driven by the CRD informer: for a
 * new or changed CRD, create its store topic {@code dekube.store.<plural>.<group>} through the topic
 * catalog (Admin calls on a worker), then set {@code NamesAccepted} and {@code Established} with the
 * accepted names — which is what makes every {@code CustomKindSync} serve it. For a CRD being
 * deleted: {@code Terminating}, delete every instance, then drop the
 * {@code customresourcecleanup} finalizer so the CRD goes and its kind stops being served. One
 * controller per registry per process; syncs of one CRD never overlap. Runs on the context that
 * started it.
 */
public final class CrdController implements InformerHandler {

  private static final Logger LOG = LoggerFactory.getLogger(CrdController.class);
  private static final String FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
  private static final Set<ResourceRegistry> STARTED = Collections.newSetFromMap(new WeakHashMap<>());

  private final Vertx vertx;
  private final ResourceRegistry registry;
  private final StoreApi store;
  private final String bootstrap;
  private final Function<ResourceType, Informer> informers;
  private final ResourceType crdType;
  private final Informer crds;
  private final Set<String> running = new HashSet<>();
  private final Set<String> again = new HashSet<>();
  /** What this controller wrote last per CRD: kube's mutation cache, for names decided before the informer saw it. */
  private final Map<String, ObjectNode> written = new java.util.HashMap<>();
  private Future<Void> naming = Future.succeededFuture();

  private CrdController(Vertx vertx, ResourceRegistry registry, StoreClient store, StoreApi loopback,
                        Function<ResourceType, Informer> informers) {
    this.vertx = vertx;
    this.registry = registry;
    // CRD status and the cleanup finalizer are kube-apiserver's own writes
    this.store = FieldManagedStore.withManager(loopback, FieldManagedStore.KUBE_APISERVER);
    this.bootstrap = store.bootstrapServers();
    this.informers = informers;
    this.crdType = registry.byResourceName(CrdParser.CRDS).orElseThrow();
    this.crds = informers.apply(crdType);
  }

  /** Starts the controller for {@code registry} unless this process already runs one for it, writing through {@code store}. */
  public static void startOnce(Vertx vertx, ResourceRegistry registry, StoreClient store,
                               Function<ResourceType, Informer> informers) {
    startOnce(vertx, registry, store, store, informers);
  }

  /**
   * Starts the controller for {@code registry} unless this process already runs one for it; {@code store} creates the
   * topics, {@code loopback} (the apiserver's own calls, audited) writes.
   */
  public static void startOnce(Vertx vertx, ResourceRegistry registry, StoreClient store, StoreApi loopback,
                               Function<ResourceType, Informer> informers) {
    synchronized (STARTED) {
      if (!STARTED.add(registry)) {
        return;
      }
    }
    CrdController c = new CrdController(vertx, registry, store, loopback, informers);
    c.crds.addHandler(c);
  }

  @Override
  public void onAdd(ObjectNode crd) {
    enqueue(crd.path("metadata").path("name").asText());
  }

  @Override
  public void onUpdate(ObjectNode oldObject, ObjectNode crd) {
    enqueue(crd.path("metadata").path("name").asText());
  }

  @Override
  public void onDelete(ObjectNode last, long rv) {
    // CustomKindSync stops serving it; its names are free for the other CRDs of its group
    String name = last.path("metadata").path("name").asText();
    written.remove(name);
    requeueGroup(last.path("spec").path("group").asText(), name);
  }

  private void enqueue(String name) {
    if (!running.add(name)) {
      again.add(name);
      return;
    }
    Future<Void> f;
    try {
      f = sync(name);
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      if (ar.failed() && !(ar.cause() instanceof StatusException se && se.code() == 409)) {
        LOG.warn("sync CustomResourceDefinition {} failed: {}; retrying", name, ar.cause().toString());
        vertx.setTimer(1000, t -> enqueue(name));
      }
      running.remove(name);
      if (again.remove(name)) {
        enqueue(name);
      }
    });
  }

  private Future<Void> sync(String name) {
    ObjectNode crd = crds.get("", name);
    if (crd == null) {
      return Future.succeededFuture();
    }
    if (crd.path("metadata").hasNonNull("deletionTimestamp")) {
      return cleanup(crd);
    }
    // names are decided one CRD at a time, each against what the ones before were given (kube's naming
    // controller runs one worker for this reason)
    Future<Void> step = naming.transform(ar -> establish(name));
    naming = step.transform(ar -> Future.succeededFuture());
    return step;
  }

  /** Gives a CRD the names no other CRD of its group has, and serves it once they are all its own. */
  private Future<Void> establish(String name) {
    ObjectNode crd = latest(name);
    if (crd == null || crd.path("metadata").hasNonNull("deletionTimestamp")) {
      return Future.succeededFuture();
    }
    String group = crd.path("spec").path("group").asText();
    CrdNames.Decision names = CrdNames.decide(crd, inGroup(group).stream()
        .map(c -> latest(c.path("metadata").path("name").asText())).filter(c -> c != null).toList());
    ObjectNode wanted = status(crd, names);
    if (wanted.equals(crd.path("status"))) {
      return Future.succeededFuture();
    }
    CustomKind kind = CrdParser.kind(crd);
    boolean renamed = !wanted.path("acceptedNames").equals(crd.path("status").path("acceptedNames"));
    return (names.accepted() ? ensureTopic(kind.type()) : Future.<Void>succeededFuture()).compose(v -> {
      ObjectNode next = crd.deepCopy();
      next.set("status", wanted);
      return store.updateStatus(crdType, next, WriteOptions.none());
    }).onSuccess(stored -> {
      written.put(name, stored);
      if (names.accepted()) {
        LOG.info("CustomResourceDefinition {} established: serving {}", name, kind.servedVersions());
      } else {
        LOG.info("CustomResourceDefinition {}: names not accepted ({}: {})", name, names.reason(), names.message());
      }
      if (renamed) {
        // it may have let a name go that another CRD of the group waits for
        requeueGroup(group, name);
      }
    }).mapEmpty();
  }

  /** The informer's copy of a CRD, or the one this controller wrote last when the informer has not seen it yet. */
  private ObjectNode latest(String name) {
    ObjectNode seen = crds.get("", name);
    ObjectNode mine = written.get(name);
    if (seen == null || mine == null) {
      return seen;
    }
    return resourceVersion(mine) > resourceVersion(seen) ? mine : seen;
  }

  private static long resourceVersion(JsonNode stored) {
    return ListOptions.parseResourceVersion(stored.path("metadata").path("resourceVersion").asText(""));
  }

  /** The CRDs of {@code group}, as the informer has them. */
  private List<ObjectNode> inGroup(String group) {
    return crds.list(c -> group.equals(c.path("spec").path("group").asText()));
  }

  private void requeueGroup(String group, String except) {
    for (ObjectNode c : inGroup(group)) {
      String other = c.path("metadata").path("name").asText();
      if (!other.equals(except)) {
        enqueue(other);
      }
    }
  }

  private Future<Void> ensureTopic(ResourceType type) {
    return vertx.executeBlocking(() -> {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        TopicCatalog.load().ensureTopics(bootstrap, admin, List.of(type), (short) -1);
      }
      return null;
    }, false);
  }

  /**
   * The status the naming decision gives a CRD: its accepted names and {@code NamesAccepted}; {@code Established}
   * True once all its names are accepted (dekube establishes at once: its topic exists by then), else as it was —
   * an established CRD whose new names conflict keeps serving the names it has —, or False for a new one.
   * Keeps transition times that did not change.
   */
  private static ObjectNode status(ObjectNode crd, CrdNames.Decision names) {
    JsonNode old = crd.path("status");
    ObjectNode status = Json.object();
    status.set("acceptedNames", names.acceptedNames());
    ArrayNode conds = status.putArray("conditions");
    conds.add(condition(old, "NamesAccepted", names.accepted() ? "True" : "False", names.reason(), names.message()));
    JsonNode established = null;
    for (JsonNode c : old.path("conditions")) {
      if ("Established".equals(c.path("type").asText())) {
        established = c;
      }
    }
    if (names.accepted()) {
      conds.add(condition(old, "Established", "True", "InitialNamesAccepted", "the initial names have been accepted"));
    } else if (established != null) {
      conds.add(established.deepCopy());
    } else {
      conds.add(condition(old, "Established", "False", "NotAccepted", "not all names are accepted"));
    }
    ArrayNode stored = status.putArray("storedVersions");
    Set<String> seen = new HashSet<>();
    for (JsonNode v : old.path("storedVersions")) {
      if (seen.add(v.asText())) {
        stored.add(v.asText());
      }
    }
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("storage").asBoolean(false) && seen.add(v.path("name").asText())) {
        stored.add(v.path("name").asText());
      }
    }
    return status;
  }

  private static ObjectNode condition(JsonNode oldStatus, String type, String status, String reason, String message) {
    String time = DateTimeFormat.now();
    for (JsonNode c : oldStatus.path("conditions")) {
      if (type.equals(c.path("type").asText()) && status.equals(c.path("status").asText())) {
        time = c.path("lastTransitionTime").asText(time);
      }
    }
    ObjectNode c = Json.object();
    c.put("type", type).put("status", status).put("lastTransitionTime", time).put("reason", reason)
        .put("message", message);
    return c;
  }

  /** Deletes every instance, then lets the CRD go. */
  private Future<Void> cleanup(ObjectNode crd) {
    CustomKind kind = CrdParser.kind(crd);
    ResourceType type = kind.type();
    if (!hasFinalizer(crd)) {
      return Future.succeededFuture();
    }
    Informer instances = informers.apply(type);
    return markTerminating(crd).compose(v -> instances.start()).compose(v -> instances.waitForCurrent())
        .compose(v -> {
          List<Future<?>> deletes = new ArrayList<>();
          for (ObjectNode o : instances.list()) {
            JsonNode m = o.path("metadata");
            deletes.add(store.delete(type, m.path("namespace").asText(""), m.path("name").asText(), WriteOptions.none())
                .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
                    : Future.failedFuture(e)));
          }
          return Future.all(deletes);
        })
        .compose(v -> instances.waitForCurrent())
        .compose(v -> {
          if (instances.size() > 0) {
            vertx.setTimer(500, t -> enqueue(crd.path("metadata").path("name").asText()));
            return Future.succeededFuture();
          }
          return dropFinalizer(crd.path("metadata").path("name").asText());
        });
  }

  private Future<Void> markTerminating(ObjectNode crd) {
    for (JsonNode c : crd.path("status").path("conditions")) {
      if ("Terminating".equals(c.path("type").asText())) {
        return Future.succeededFuture();
      }
    }
    ObjectNode next = crd.deepCopy();
    ObjectNode status = next.get("status") instanceof ObjectNode s ? s : next.putObject("status");
    ArrayNode conds = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
    conds.add(condition(Json.object(), "Terminating", "True", "InstanceDeletionInProgress",
        "CustomResource deletion is in progress"));
    return store.updateStatus(crdType, next, WriteOptions.none()).mapEmpty();
  }

  private Future<Void> dropFinalizer(String name) {
    ObjectNode current = crds.get("", name);
    if (current == null || !hasFinalizer(current)) {
      return Future.succeededFuture();
    }
    ObjectNode next = current.deepCopy();
    ArrayNode fins = Json.MAPPER.createArrayNode();
    for (JsonNode f : current.path("metadata").path("finalizers")) {
      if (!FINALIZER.equals(f.asText())) {
        fins.add(f);
      }
    }
    Json.metadata(next).set("finalizers", fins);
    return store.update(crdType, next, WriteOptions.none())
        .onSuccess(o -> LOG.info("CustomResourceDefinition {}: instances deleted, finalizer removed", name))
        .mapEmpty();
  }

  private static boolean hasFinalizer(JsonNode crd) {
    for (JsonNode f : crd.path("metadata").path("finalizers")) {
      if (FINALIZER.equals(f.asText())) {
        return true;
      }
    }
    return false;
  }

  /** RFC 3339 to the second. */
  private static final class DateTimeFormat {
    static String now() {
      return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
  }
}
