package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * The metadata fields the server owns: uid, creationTimestamp, generated names, deletionTimestamp
 * ({@link Generation} keeps the generation). Pure apart from the injected clock and random source; loop-thread confined.
 */
final class ServerFields {

  /** Kubernetes' alphabet for generated name suffixes (no vowels, no look-alikes). */
  static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  static final int SUFFIX_LENGTH = 5;
  private static final int MAX_GENERATED_PREFIX = 63 - SUFFIX_LENGTH;

  private final Clock clock;
  private final RandomGenerator random;

  ServerFields(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  /** Now, RFC 3339 in UTC to the second, as Kubernetes writes timestamps. */
  String now() {
    return DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
  }

  /** Now, as an instant (managedFields times). */
  Instant instant() {
    return Instant.now(clock);
  }

  String newUid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }

  /** {@code generateName} (cut to 58 characters) followed by 5 random characters. */
  String generateName(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() > MAX_GENERATED_PREFIX
        ? prefix.substring(0, MAX_GENERATED_PREFIX) : prefix);
    for (int i = 0; i < SUFFIX_LENGTH; i++) {
      sb.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return sb.toString();
  }

  /** Sets the fields a create fills and clears the ones a client may not set. */
  void prepareForCreate(ObjectNode obj) {
    ObjectNode m = Json.metadata(obj);
    m.put("uid", newUid());
    m.put("creationTimestamp", now());
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
        Instant.now(clock).plusSeconds(gracePeriodSeconds).truncatedTo(ChronoUnit.SECONDS)));
    m.put("deletionGracePeriodSeconds", gracePeriodSeconds);
  }
}
