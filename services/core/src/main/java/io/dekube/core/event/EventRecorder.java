package io.dekube.core.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events as client-go's legacy event recorder does, for what {@code kubectl describe}
 * and {@code kubectl get events} show: {@code involvedObject} (with a {@code fieldPath} such as
 * {@code spec.containers{web}}), reason, message, type, {@code source} (component and host),
 * {@code reportingComponent}/{@code reportingInstance}, first/last timestamps and count.
 *
 * <p>Repeats are folded as kube's event correlator folds them ({@link EventCorrelator}): the same
 * event again patches the stored one's {@code count} and {@code lastTimestamp}; more than 10
 * messages of one reason about one object within 10 minutes become one
 * {@code (combined from similar events): ...} event; a token bucket per source and object (burst
 * 25, then one every 5 minutes) keeps the rest from being written, while they still count. Events of cluster-scoped objects (nodes) go to
 * {@code default}. Fire and forget: a failed write is logged, never retried. Thread-safe.
 */
public class EventRecorder {

  /** {@code Normal} event type. */
  public static final String NORMAL = "Normal";
  /** {@code Warning} event type. */
  public static final String WARNING = "Warning";

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final StoreApi store;
  private final ResourceType events;
  private final Clock clock;
  private final String instance;
  private final String sourceHost;
  private final EventCorrelator correlator;
  private final AtomicLong seq = new AtomicLong();

  /**
   * A recorder whose events carry no {@code source.host} (controllers): an empty {@code reportingInstance}, as
   * client-go's legacy recorder reports its source host there; {@code instance} names the recorder in logs.
   */
  public EventRecorder(StoreApi store, ResourceType events, Clock clock, String instance) {
    this(store, events, clock, instance, null);
  }

  /**
   * @param instance   this recorder in logs
   * @param sourceHost the {@code source.host} and {@code reportingInstance} (the kubelet: its node name), or null
   */
  public EventRecorder(StoreApi store, ResourceType events, Clock clock, String instance, String sourceHost) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.instance = instance;
    this.sourceHost = sourceHost;
    this.correlator = new EventCorrelator(clock);
  }

  /** A reference to an object, for {@link #record(String, ObjectReference, String, String, String)}. */
  public static ObjectReference reference(HasMetadata obj, String fieldPath) {
    ObjectReference ref = new ObjectReference();
    ref.setApiVersion(obj.getApiVersion());
    ref.setKind(obj.getKind());
    ref.setName(obj.getMetadata().getName());
    ref.setNamespace(obj.getMetadata().getNamespace());
    ref.setUid(obj.getMetadata().getUid());
    ref.setResourceVersion(obj.getMetadata().getResourceVersion());
    ref.setFieldPath(fieldPath);
    return ref;
  }

  /** Records an event about an object, from a component ({@code deployment-controller}). */
  public void record(String component, HasMetadata obj, String type, String reason, String message) {
    record(component, reference(obj, null), type, reason, message);
  }

  /** Records an event about a referenced object. */
  public void record(String component, ObjectReference ref, String type, String reason, String message) {
    String ns = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? "default" : ref.getNamespace();
    Instant now = clock.instant();
    EventCorrelator.Result r = correlator.correlate(new EventCorrelator.Occurrence(component, sourceHost,
        ref, type, reason, message), () -> ref.getName() + "." + Long.toHexString(
        now.getEpochSecond() * 1_000_000_000L + now.getNano() + seq.getAndIncrement()));
    if (r == null) {
      LOG.debug("event {} on {}/{} of {} dropped by the spam filter", reason, ns, ref.getName(), instance);
      return;
    }
    String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
    LOG.debug("event {} {}/{}: {} {}", ref.getKind(), ns, ref.getName(), reason, r.message());
    if (r.count() > 1) {
      ObjectNode patch = Json.object().put("count", r.count()).put("lastTimestamp", ts).put("message", r.message());
      store.patch(events, ns, r.name(), Patches.MERGE, patch, WriteOptions.none())
          .recover(e -> e instanceof StatusException se && se.code() == 404
              ? store.create(events, ns, event(ns, r, ref, component, type, reason, r.firstTimestamp(), ts),
                  WriteOptions.none()) : io.vertx.core.Future.failedFuture(e))
          .onFailure(x -> LOG.debug("cannot update event {} on {}/{}: {}", reason, ns, ref.getName(), x.toString()));
      return;
    }
    store.create(events, ns, event(ns, r, ref, component, type, reason, ts, ts), WriteOptions.none())
        .onFailure(x -> LOG.debug("cannot record event {} on {}/{}: {}", reason, ns, ref.getName(), x.toString()));
  }

  private ObjectNode event(String ns, EventCorrelator.Result r, ObjectReference ref, String component, String type,
                           String reason, String first, String last) {
    ObjectNode e = Json.object().put("apiVersion", "v1").put("kind", "Event");
    e.putObject("metadata").put("name", r.name()).put("namespace", ns);
    e.set("involvedObject", referenceNode(ref));
    e.put("reason", reason).put("message", r.message()).put("type", type);
    ObjectNode source = e.putObject("source").put("component", component);
    putIfSet(source, "host", sourceHost);
    e.put("firstTimestamp", first).put("lastTimestamp", last).put("count", r.count());
    if (!r.combined()) {
      // client-go's legacy recorder: the reporting controller is the source component, the instance its host
      // (empty for controllers); its combined event carries neither
      e.put("reportingComponent", component).put("reportingInstance", sourceHost == null ? "" : sourceHost);
    }
    return e;
  }

  /** An object reference as an Event's {@code involvedObject} holds it: only the fields that are set. */
  public static ObjectNode referenceNode(ObjectReference ref) {
    ObjectNode o = Json.object();
    putIfSet(o, "kind", ref.getKind());
    putIfSet(o, "namespace", ref.getNamespace());
    putIfSet(o, "name", ref.getName());
    putIfSet(o, "uid", ref.getUid());
    putIfSet(o, "apiVersion", ref.getApiVersion());
    putIfSet(o, "resourceVersion", ref.getResourceVersion());
    putIfSet(o, "fieldPath", ref.getFieldPath());
    return o;
  }

  private static void putIfSet(ObjectNode o, String field, String value) {
    if (value != null && !value.isEmpty()) {
      o.put(field, value);
    }
  }
}
