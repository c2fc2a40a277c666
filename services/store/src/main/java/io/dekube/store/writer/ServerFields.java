package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.store.CreateFieldSource;
import io.dekube.core.store.CreateFields;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.random.RandomGenerator;

/**
 * The metadata fields the server owns: uid, creationTimestamp, generated names ({@link CreateFieldSource}),
 * deletionTimestamp ({@link io.dekube.core.store.Generation} keeps the generation). Pure apart from the injected
 * clock and random source; loop-thread confined.
 */
final class ServerFields {

  private final CreateFieldSource source;

  ServerFields(Clock clock, RandomGenerator random) {
    this.source = new CreateFieldSource(clock, random);
  }

  /** Now, RFC 3339 in UTC to the second, as Kubernetes writes timestamps. */
  String now() {
    return source.now();
  }

  /** Now, as an instant (managedFields times). */
  Instant instant() {
    return source.instant();
  }

  /** {@code generateName} (cut to 58 characters) followed by 5 random characters. */
  String generateName(String prefix) {
    return source.generateName(prefix);
  }

  /**
   * Sets the fields a create fills — uid and creationTimestamp, those of {@code chosen} when admission chose them
   * already (a client's are overwritten either way) — and clears the ones a client may not set.
   */
  void prepareForCreate(ObjectNode obj, CreateFields chosen) {
    ObjectNode m = Json.metadata(obj);
    m.put("uid", chosen != null && chosen.uid() != null ? chosen.uid() : source.newUid());
    m.put("creationTimestamp", chosen != null && chosen.creationTimestamp() != null ? chosen.creationTimestamp()
        : source.now());
    m.remove("resourceVersion");
    m.remove("deletionTimestamp");
    m.remove("deletionGracePeriodSeconds");
    m.remove("selfLink");
  }

  /** Copies onto {@code next} the fields an update may not change, from {@code current}. */
  static void keepServerFields(ObjectNode current, ObjectNode next) {
    JsonNode cm = current.path("metadata");
    ObjectNode m = Json.metadata(next);
    for (String f : new String[] {"uid", "creationTimestamp", "generation", "deletionTimestamp",
        "deletionGracePeriodSeconds"}) {
      if (cm.has(f)) {
        m.set(f, cm.get(f));
      } else {
        m.remove(f);
      }
    }
    m.remove("resourceVersion");
    m.remove("selfLink");
  }

  /** JSON equality where numbers compare by value (a parsed {@code 1} is an int, a set one may be a long). */
  static boolean same(JsonNode a, JsonNode b) {
    return Json.sameValue(a, b);
  }

  /**
   * Shortens the grace period of an object already being deleted, as kube's BeforeDelete does: the
   * deletion time moves by the difference, the generation stays.
   */
  static void shortenGrace(ObjectNode obj, long gracePeriodSeconds) {
    ObjectNode m = Json.metadata(obj);
    long before = m.path("deletionGracePeriodSeconds").asLong(0);
    Instant at = Instant.parse(m.path("deletionTimestamp").asText());
    m.put("deletionTimestamp", DateTimeFormatter.ISO_INSTANT.format(at.minusSeconds(before).plusSeconds(gracePeriodSeconds)));
    m.put("deletionGracePeriodSeconds", gracePeriodSeconds);
  }

  /** Marks an object as being deleted: deletionTimestamp, grace period, generation + 1 where it has one (kube's BeforeDelete). */
  void markDeleting(ObjectNode obj, long gracePeriodSeconds) {
    ObjectNode m = Json.metadata(obj);
    long gen = m.path("generation").asLong(0);
    if (gen > 0) {
      m.put("generation", gen + 1);
    }
    m.put("deletionTimestamp", DateTimeFormatter.ISO_INSTANT.format(
        source.instant().plusSeconds(gracePeriodSeconds).truncatedTo(ChronoUnit.SECONDS)));
    m.put("deletionGracePeriodSeconds", gracePeriodSeconds);
  }
}
