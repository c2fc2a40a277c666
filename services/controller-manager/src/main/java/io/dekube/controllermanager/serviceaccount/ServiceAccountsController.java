package io.dekube.controllermanager.serviceaccount;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's serviceaccount controller: every active namespace has the managed ServiceAccounts
 * ({@code default}); one that is deleted is created again. Keys are namespaces; a ServiceAccount
 * change syncs its namespace. Namespaces being deleted are left alone, and a create that races
 * with another (409) or with the namespace's deletion (403/404) is not an error. Syncs run on the
 * loop's context.
 */
public final class ServiceAccountsController implements Reconciler {

  /** The ServiceAccounts every namespace gets. */
  public static final List<String> MANAGED = List.of("default");

  private final ControllerContext ctx;
  private final ObjectCache namespaces;
  private final ObjectCache accounts;
  private final ResourceType accountType;

  public ServiceAccountsController(ControllerContext ctx) {
    this.ctx = ctx;
    this.namespaces = ctx.cache("namespaces");
    this.accounts = ctx.cache("serviceaccounts");
    this.accountType = ctx.type("serviceaccounts");
  }

  /** The loop over namespaces; a ServiceAccount change syncs its namespace. */
  public ControllerLoop loop(Duration resync, int workers) {
    ControllerLoop loop = new ControllerLoop(ctx.vertx(), "serviceaccount", this, namespaces, resync, workers);
    loop.watch(accounts, sa -> List.of(new ObjectKey("", sa.path("metadata").path("namespace").asText())));
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    ObjectNode ns = namespaces.get(new ObjectKey("", key.name()));
    if (ns == null || terminating(ns)) {
      return Future.succeededFuture();
    }
    List<Future<Void>> creates = new ArrayList<>();
    for (String name : MANAGED) {
      if (accounts.get(new ObjectKey(key.name(), name)) == null) {
        creates.add(create(key.name(), name));
      }
    }
    return Future.all(creates).mapEmpty();
  }

  /** Whether a namespace is being deleted (kube skips those). */
  static boolean terminating(ObjectNode ns) {
    return !ns.path("metadata").path("deletionTimestamp").asText("").isEmpty()
        || "Terminating".equals(ns.path("status").path("phase").asText());
  }

  private Future<Void> create(String namespace, String name) {
    ObjectNode sa = Json.object().put("apiVersion", "v1").put("kind", "ServiceAccount");
    Json.metadata(sa).put("name", name).put("namespace", namespace);
    return ctx.store().create(accountType, namespace, sa, WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && (se.code() == 409 || se.code() == 403 || se.code() == 404)
            ? Future.succeededFuture() : Future.failedFuture(e));
  }
}
