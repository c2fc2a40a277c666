package io.dekube.controllermanager.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.serviceaccount.TokenClaims;
import io.dekube.core.serviceaccount.TokenSigner;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * kube's tokens controller for legacy token Secrets: a Secret of type
 * {@code kubernetes.io/service-account-token} whose annotation
 * {@code kubernetes.io/service-account.name} names a ServiceAccount gets {@code token} (a legacy,
 * non-expiring token of that account), {@code ca.crt} and {@code namespace}, and the account's uid in
 * {@code kubernetes.io/service-account.uid}. A Secret whose account is gone (or was recreated with
 * another uid) is deleted, and so are the token Secrets of a deleted account. The account is looked
 * up again in the store before anything is deleted, so a lagging cache never deletes a good
 * Secret. Keys are Secrets. Syncs run on the loop's context.
 */
public final class TokensController implements Reconciler {

  static final String TYPE = "kubernetes.io/service-account-token";
  static final String NAME_ANNOTATION = "kubernetes.io/service-account.name";
  static final String UID_ANNOTATION = "kubernetes.io/service-account.uid";

  private final ControllerContext ctx;
  private final TokenSigner signer;
  private final String caPem;
  private final ObjectCache secrets;
  private final ObjectCache accounts;
  private final ResourceType secretType;
  private final ResourceType accountType;

  public TokensController(ControllerContext ctx, TokenSigner signer, String caPem) {
    this.ctx = ctx;
    this.signer = signer;
    this.caPem = caPem;
    this.secrets = ctx.cache("secrets");
    this.accounts = ctx.cache("serviceaccounts");
    this.secretType = ctx.type("secrets");
    this.accountType = ctx.type("serviceaccounts");
  }

  /** The loop over Secrets; a ServiceAccount change syncs the token Secrets that name it. */
  public ControllerLoop loop(Duration resync, int workers) {
    ControllerLoop loop = new ControllerLoop(ctx.vertx(), "serviceaccount-token", this, secrets, resync, workers);
    loop.watch(accounts, this::secretsOf);
    return loop;
  }

  private List<ObjectKey> secretsOf(ObjectNode sa) {
    String ns = sa.path("metadata").path("namespace").asText();
    String name = sa.path("metadata").path("name").asText();
    List<ObjectKey> keys = new ArrayList<>();
    for (ObjectNode s : secrets.list(ns)) {
      if (isToken(s) && name.equals(annotation(s, NAME_ANNOTATION))) {
        keys.add(ObjectKey.of(s));
      }
    }
    return keys;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    ObjectNode secret = secrets.get(key);
    if (secret == null || !isToken(secret) || !secret.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      return Future.succeededFuture();
    }
    String saName = annotation(secret, NAME_ANNOTATION);
    ObjectNode cached = accounts.get(new ObjectKey(key.namespace(), saName));
    Future<ObjectNode> account = cached != null && matches(secret, cached) ? Future.succeededFuture(cached)
        : ctx.store().get(accountType, key.namespace(), saName)
            .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture(null)
                : Future.failedFuture(e));
    return account.compose(sa -> sa == null || !matches(secret, sa) ? delete(secret) : fill(secret, sa));
  }

  /** Whether the Secret names this incarnation of the account (no uid yet counts as a match). */
  private static boolean matches(ObjectNode secret, ObjectNode sa) {
    String uid = annotation(secret, UID_ANNOTATION);
    return uid.isEmpty() || uid.equals(sa.path("metadata").path("uid").asText());
  }

  private Future<Void> fill(ObjectNode secret, ObjectNode sa) {
    String ns = secret.path("metadata").path("namespace").asText();
    JsonNode data = secret.path("data");
    String saUid = sa.path("metadata").path("uid").asText();
    boolean hasToken = !data.path("token").asText("").isEmpty();
    if (hasToken && b64(caPem).equals(data.path("ca.crt").asText()) && b64(ns).equals(data.path("namespace").asText())
        && saUid.equals(annotation(secret, UID_ANNOTATION))) {
      return Future.succeededFuture();
    }
    ObjectNode next = secret.deepCopy();
    ObjectNode nextData = next.has("data") && next.get("data").isObject() ? (ObjectNode) next.get("data")
        : next.putObject("data");
    if (!hasToken) {
      String name = secret.path("metadata").path("name").asText();
      nextData.put("token", b64(signer.legacy(ns, new TokenClaims.Ref(sa.path("metadata").path("name").asText(),
          saUid), name)));
    }
    nextData.put("ca.crt", b64(caPem)).put("namespace", b64(ns));
    next.with("metadata").with("annotations").put(UID_ANNOTATION, saUid);
    return ctx.store().update(secretType, next, WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && (se.code() == 404 || se.code() == 409)
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private Future<Void> delete(ObjectNode secret) {
    JsonNode m = secret.path("metadata");
    WriteOptions o = WriteOptions.none().withUid(m.path("uid").asText());
    return ctx.store().delete(secretType, m.path("namespace").asText(), m.path("name").asText(), o).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && (se.code() == 404 || se.code() == 409)
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  static boolean isToken(ObjectNode secret) {
    return TYPE.equals(secret.path("type").asText());
  }

  private static String annotation(ObjectNode o, String name) {
    return o.path("metadata").path("annotations").path(name).asText("");
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
