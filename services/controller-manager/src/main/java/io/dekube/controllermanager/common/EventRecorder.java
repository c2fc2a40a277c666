package io.dekube.controllermanager.common;

import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes core/v1 Events, as client-go's event recorder, for what {@code kubectl describe} and
 * {@code kubectl get events} show: {@code involvedObject}, reason, message, type, source component,
 * first/last timestamps. Events of cluster-scoped objects (nodes) go to {@code default}. Fire and
 * forget: a failed write is logged, never retried. Any thread.
 */
public final class EventRecorder {

  /** {@code Normal} event type. */
  public static final String NORMAL = "Normal";
  /** {@code Warning} event type. */
  public static final String WARNING = "Warning";

  private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);

  private final StoreApi store;
  private final ResourceType events;
  private final Clock clock;
  private final String host;
  private final java.util.concurrent.atomic.AtomicLong seq = new java.util.concurrent.atomic.AtomicLong();

  public EventRecorder(StoreApi store, ResourceType events, Clock clock, String host) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.host = host;
  }

  /** Records an event about an object, from a component ({@code deployment-controller}). */
  public void record(String component, HasMetadata obj, String type, String reason, String message) {
    ObjectReference ref = new ObjectReference();
    ref.setApiVersion(obj.getApiVersion());
    ref.setKind(obj.getKind());
    ref.setName(obj.getMetadata().getName());
    ref.setNamespace(obj.getMetadata().getNamespace());
    ref.setUid(obj.getMetadata().getUid());
    ref.setResourceVersion(obj.getMetadata().getResourceVersion());
    record(component, ref, type, reason, message);
  }

  /** Records an event about a referenced object. */
  public void record(String component, ObjectReference ref, String type, String reason, String message) {
    String ns = ref.getNamespace() == null || ref.getNamespace().isEmpty() ? "default" : ref.getNamespace();
    var now = clock.instant();
    String ts = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Event e = new Event();
    e.setMetadata(new ObjectMetaBuilder().withNamespace(ns)
        .withName(ref.getName() + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano() + seq.getAndIncrement()))
        .build());
    e.setInvolvedObject(ref);
    e.setReason(reason);
    e.setMessage(message);
    e.setType(type);
    e.setSource(new EventSource(component, null));
    e.setReportingComponent(component);
    e.setReportingInstance(host);
    e.setFirstTimestamp(ts);
    e.setLastTimestamp(ts);
    e.setCount(1);
    LOG.info("event {} {}/{}: {} {}", ref.getKind(), ns, ref.getName(), reason, message);
    store.create(events, ns, Typed.tree(e), WriteOptions.none())
        .onFailure(x -> LOG.debug("cannot record event {} on {}/{}: {}", reason, ns, ref.getName(), x.toString()));
  }
}
