package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * The apiserver's half of kube's ServiceAccount admission: the serviceaccount controller makes a
 * namespace's {@code default} account a moment after the namespace, so a pod created in a new namespace
 * waits for that account before it goes to the writer (which refuses a pod whose account does not exist),
 * as kube's plugin tries the API again for {@code default}. kube tries 10 times, 100-200 ms apart; dekube
 * looks as often but for up to {@link #LONGEST} (its controller works over a bus that may be busy), only
 * in a namespace younger than {@link #YOUNG} (in an older one the account is missing for good, or was
 * deleted a moment ago, and the writer says so at once) and only where a serviceaccount controller works
 * at all, that is where {@code kube-system} has its default account (an apiserver on a bare store has
 * none to wait for). Runs on the request's event loop.
 */
final class DefaultServiceAccountWait {

  static final Duration LONGEST = Duration.ofSeconds(5);
  static final Duration YOUNG = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final ResourceType serviceAccounts;
  private final Function<ResourceType, ObjectCache> caches;

  DefaultServiceAccountWait(Vertx vertx, ResourceType serviceAccounts, Function<ResourceType, ObjectCache> caches) {
    this.vertx = vertx;
    this.serviceAccounts = serviceAccounts;
    this.caches = caches;
  }

  /** Completes once {@code namespace} has its default account, or when waiting longer is pointless. */
  Future<Void> await(ObjectNode namespace) {
    Instant created = created(namespace);
    Instant now = Instant.now();
    if (created == null || created.plus(YOUNG).isBefore(now)) {
      return Future.succeededFuture();
    }
    ObjectCache cache = caches.apply(serviceAccounts);
    String ns = namespace.path("metadata").path("name").asText();
    return cache.start().compose(v -> cache.get("kube-system", "default") == null ? Future.<Void>succeededFuture()
        : poll(cache, ns, now.plus(LONGEST)));
  }

  private Future<Void> poll(ObjectCache cache, String ns, Instant giveUp) {
    if (cache.get(ns, "default") != null || Instant.now().isAfter(giveUp)) {
      return Future.succeededFuture();
    }
    return vertx.timer(100 + ThreadLocalRandom.current().nextInt(100)).compose(t -> poll(cache, ns, giveUp));
  }

  private static Instant created(ObjectNode namespace) {
    try {
      return Instant.parse(namespace.path("metadata").path("creationTimestamp").asText(""));
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
