package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/** The request processor over an in-memory store whose "commit" numbers records like a topic. */
final class TestStore {

  static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  static final Instant NOW = Instant.parse("2025-01-02T03:04:05.678Z");

  final Map<String, ResourceState> states = new HashMap<>();
  final List<StoreWrite> written = new ArrayList<>();
  final RequestProcessor processor;
  long nextOffset;
  private int ids;

  TestStore() {
    this(new java.util.Random(42));
  }

  TestStore(RandomGenerator random) {
    processor = new RequestProcessor(new BasicAdmission(), Clock.fixed(NOW, ZoneOffset.UTC), random, 1_000_000);
  }

  /** A store that allocates Service addresses from {@code ranges}. */
  TestStore(ServiceRanges ranges) {
    processor = new RequestProcessor(new BasicAdmission(), Clock.fixed(NOW, ZoneOffset.UTC), new java.util.Random(42),
        1_000_000, ranges, io.dekube.store.admission.ResourceQuotaAdmission.none());
  }

  /** A store whose writes pass {@code admission} and then {@code quota}. */
  TestStore(io.dekube.store.admission.WriteAdmission admission, io.dekube.store.admission.ResourceQuotaAdmission quota) {
    processor = new RequestProcessor(admission, Clock.fixed(NOW, ZoneOffset.UTC), new java.util.Random(42), 1_000_000,
        ServiceRanges.defaults(), quota);
  }

  /** A store whose writes pass {@code admission}, then {@code validating} against the stored objects. */
  TestStore(io.dekube.store.admission.WriteAdmission admission, io.dekube.store.admission.WriteAdmission validating) {
    processor = new RequestProcessor(admission, validating, Clock.fixed(NOW, ZoneOffset.UTC), new java.util.Random(42),
        1_000_000, ServiceRanges.defaults(), io.dekube.store.admission.ResourceQuotaAdmission.none());
  }

  /** A store whose writes pass {@code admission}, {@code validating} and then {@code quota}. */
  TestStore(io.dekube.store.admission.WriteAdmission admission, io.dekube.store.admission.WriteAdmission validating,
            io.dekube.store.admission.ResourceQuotaAdmission quota) {
    processor = new RequestProcessor(admission, validating, Clock.fixed(NOW, ZoneOffset.UTC), new java.util.Random(42),
        1_000_000, ServiceRanges.defaults(), quota);
  }

  static ResourceType type(String resource) {
    return REGISTRY.byResourceName(resource).orElseThrow();
  }

  ResourceState state(ResourceType t) {
    return states.computeIfAbsent(t.resourceName(), k -> new ResourceState(t));
  }

  /** Runs requests as one batch, "commits" it, answers the replies. */
  List<ReplyEnvelope> batch(RequestEnvelope... reqs) {
    BatchOverlay view = new BatchOverlay(this::state);
    List<Outcome> outcomes = new ArrayList<>();
    for (RequestEnvelope r : reqs) {
      // as the writer parses it (a custom kind's served version brings its subresources), one partition
      ParsedRequest parsed = new RequestParser(REGISTRY, Integer.MAX_VALUE)
          .parse(r.toJson().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, 1).request();
      outcomes.add(processor.process(parsed != null ? parsed : new ParsedRequest(r, type(r.resource()),
          Verb.fromWire(r.verb()), WriteOptions.fromJson(r.preconditions(), r.options())), view));
    }
    for (StoreWrite w : view.writes()) {
      w.offset(nextOffset++);
      written.add(w);
    }
    List<ReplyEnvelope> replies = new ArrayList<>();
    for (int i = 0; i < reqs.length; i++) {
      Outcome o = outcomes.get(i);
      replies.add(new ReplyEnvelope(reqs[i].id(), reqs[i].requester(), o.code(),
          o.object() == null ? null : o.object().get(), o.status()));
    }
    for (StoreWrite w : view.writes()) {
      state(w.type()).apply(w.key(), w.tombstone() ? null : w.value(), w.offset());
    }
    return replies;
  }

  ReplyEnvelope run(RequestEnvelope req) {
    return batch(req).get(0);
  }

  RequestEnvelope req(Verb verb, String resource, String ns, String name, ObjectNode body) {
    return req(verb, resource, ns, name, body, WriteOptions.none());
  }

  RequestEnvelope req(Verb verb, String resource, String ns, String name, ObjectNode body, WriteOptions o) {
    return new RequestEnvelope("req-" + (++ids), "tester", verb.wire(), resource, ns, name, body,
        o.preconditionsJson(), o.optionsJson());
  }

  RequestEnvelope withOption(RequestEnvelope r, String key, String value) {
    ObjectNode opts = r.options() == null ? Json.object() : r.options().deepCopy();
    opts.put(key, value);
    return new RequestEnvelope(r.id(), r.requester(), r.verb(), r.resource(), r.namespace(), r.name(), r.body(),
        r.preconditions(), opts);
  }

  /** A minimal object of a kind: {@code {"metadata": {"name": name, "namespace": ns}}} plus fields. */
  static ObjectNode obj(String ns, String name) {
    ObjectNode o = Json.object();
    ObjectNode m = o.putObject("metadata");
    if (name != null) {
      m.put("name", name);
    }
    if (ns != null) {
      m.put("namespace", ns);
    }
    return o;
  }
}
