package io.dekube.core.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.random.RandomGenerator;

/**
 * Where the fields a create gets from the server come from, as kube-apiserver makes them: a random
 * (version 4) uid, the creationTimestamp (now, RFC 3339 in UTC to the second) and a name generated from
 * {@code generateName} (kube's alphabet). Used by the writer and by the admission that runs validating
 * webhooks and policies before the write reaches it. Pure apart from the injected clock and random source;
 * thread-safe when the random source is.
 */
public final class CreateFieldSource {

  /** Kubernetes' alphabet for generated name suffixes (no vowels, no look-alikes). */
  public static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  public static final int SUFFIX_LENGTH = 5;
  private static final int MAX_GENERATED_PREFIX = 63 - SUFFIX_LENGTH;

  private final Clock clock;
  private final RandomGenerator random;

  public CreateFieldSource(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  /** The system clock and a secure random source. */
  public static CreateFieldSource system() {
    return new CreateFieldSource(Clock.systemUTC(), new SecureRandom());
  }

  /** Now, RFC 3339 in UTC to the second, as Kubernetes writes timestamps. */
  public String now() {
    return DateTimeFormatter.ISO_INSTANT.format(instant().truncatedTo(ChronoUnit.SECONDS));
  }

  /** Now, as an instant. */
  public Instant instant() {
    return Instant.now(clock);
  }

  /** A random (version 4) uid. */
  public String newUid() {
    long msb = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
    return new UUID(msb, lsb).toString();
  }

  /** {@code generateName} (cut to 58 characters) followed by 5 random characters. */
  public String generateName(String prefix) {
    StringBuilder sb = new StringBuilder(prefix.length() > MAX_GENERATED_PREFIX
        ? prefix.substring(0, MAX_GENERATED_PREFIX) : prefix);
    for (int i = 0; i < SUFFIX_LENGTH; i++) {
      sb.append(SUFFIX_ALPHABET.charAt(random.nextInt(SUFFIX_ALPHABET.length())));
    }
    return sb.toString();
  }

  /**
   * Fills {@code object}'s uid and creationTimestamp (over what a client set) and, when it has a
   * {@code generateName} and no name, a generated name, as kube's {@code FillObjectMetaSystemFields} and
   * its name generator do before validation; answers what it filled.
   */
  public CreateFields fill(ObjectNode object) {
    ObjectNode m = Json.metadata(object);
    m.put("uid", newUid());
    m.put("creationTimestamp", now());
    String prefix = m.path("generateName").asText("");
    boolean generated = m.path("name").asText("").isEmpty() && !prefix.isEmpty();
    if (generated) {
      m.put("name", generateName(prefix));
    }
    return CreateFields.of(object, generated);
  }
}
