package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.list.ContinueToken;
import io.dekube.apiserver.rest.list.Paging;
import io.dekube.apiserver.rest.list.StateAt;
import io.dekube.apiserver.rest.table.IncludeObject;
import io.dekube.apiserver.rest.table.Printers;
import io.dekube.apiserver.rest.table.TableBuilder;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * GET of one object and LIST of a collection, served from the watch cache with kube's
 * resourceVersion semantics (see {@link ReadPoint}), selectors, {@code limit}/{@code continue}
 * pagination and {@code resourceVersionMatch=Exact}. Answers objects, Tables or
 * PartialObjectMetadata as negotiated. Runs on the request's event loop.
 */
final class ReadHandler {

  private final Function<ResourceType, ObjectCache> caches;
  private final ReadPoint readPoint;

  ReadHandler(Function<ResourceType, ObjectCache> caches, ReadPoint readPoint) {
    this.caches = caches;
    this.readPoint = readPoint;
  }

  /** GET of one object (also the status subresource). */
  Future<ObjectNode> get(ApiRequest r) {
    ObjectCache cache = caches.apply(r.type());
    return readPoint.ready(cache, r.query("resourceVersion")).map(v -> {
      String unreadable = cache.unreadable(r.namespace(), r.name());
      if (unreadable != null) { // encrypted at rest with no provider configured that reads it
        throw StatusException.internal("Internal error occurred: " + unreadable);
      }
      ObjectNode o = cache.get(r.namespace(), r.name());
      if (o == null) {
        throw StatusException.notFound(r.type(), r.name());
      }
      return o;
    });
  }

  /** LIST: answers the list. */
  void list(ApiRequest r, ListOptions o) {
    Selection sel = Selection.of(r, o.labelSelector(), o.fieldSelector());
    ObjectCache cache = caches.apply(r.type());
    listed(r, o, sel, cache)
        .compose(page -> r.outAll(page.page().items(), true).map(items -> listBody(r, page, items)))
        .onSuccess(body -> Responses.send(r.ctx(), 200, body, r.pretty(), r.format().yaml()))
        .onFailure(e -> Responses.fail(r.ctx(), e, r.pretty()));
  }

  /**
   * The page a list answers.
   *
   * @param resourceVersion the list's resource version
   */
  record Listed(Paging.Page page, long resourceVersion) {
  }

  /** Reads the page a list answers (also used by deletecollection, without a limit). */
  Future<Listed> listed(ApiRequest r, ListOptions o, Selection sel, ObjectCache cache) {
    String unreadable = cache.unreadableIn(r.namespace());
    if (unreadable != null) { // as kube's storage list: one value it cannot transform fails the list
      return Future.failedFuture(StatusException.internal("Internal error occurred: " + unreadable));
    }
    if (!o.continueToken().isEmpty()) {
      ContinueToken t = ContinueToken.decode(o.continueToken());
      return readPoint.atLeast(cache, t.resourceVersion())
          .map(v -> at(cache, sel, t.resourceVersion(), ContinueToken.expired()))
          .map(items -> new Listed(Paging.page(items, t.resourceVersion(), t.start(), o.limit(), !o.hasSelectors()),
              t.resourceVersion()));
    }
    long rv = o.rv();
    if (rv > 0 && ListOptions.EXACT.equals(o.resourceVersionMatch())) {
      return readPoint.atLeast(cache, rv)
          .map(v -> at(cache, sel, rv, new StatusException(410, "Expired", "too old resource version: " + rv)))
          .map(items -> new Listed(Paging.page(items, rv, null, o.limit(), !o.hasSelectors()), rv));
    }
    long limit = rv == 0 ? 0 : o.limit(); // kube's watch cache ignores limit at resourceVersion=0
    return readPoint.ready(cache, o.resourceVersion()).map(v -> {
      ObjectCache.Snapshot s = cache.snapshot(sel);
      long listRv = Math.max(s.resourceVersion(), 0);
      return new Listed(Paging.page(s.items(), listRv, null, limit, !o.hasSelectors()), listRv);
    });
  }

  /** The selected objects at {@code rv}, rebuilt from the window when the cache moved on. */
  private static List<ObjectNode> at(ObjectCache cache, Selection sel, long rv, StatusException ifUnknown) {
    ObjectCache.Snapshot now = cache.snapshot(sel::inScope);
    if (now.resourceVersion() == rv) {
      return now.items().stream().filter(sel).toList();
    }
    var window = cache.window();
    StateAt.Result state = StateAt.at(rv, now.items(), now.resourceVersion(), window.since(window.startRv()),
        window.startRv(), sel::inScope);
    return state.exactly(ifUnknown).stream().filter(sel).toList();
  }

  /** The list answer: {@code items} are the page's objects in the client's version. */
  private static ObjectNode listBody(ApiRequest r, Listed listed, List<ObjectNode> items) {
    ObjectNode meta = Json.object();
    meta.put("resourceVersion", Long.toString(listed.resourceVersion()));
    if (listed.page().continueToken() != null) {
      meta.put("continue", listed.page().continueToken());
    }
    if (listed.page().remaining() != null) {
      meta.put("remainingItemCount", listed.page().remaining());
    }
    String mv = r.format().metaVersion();
    return switch (r.format().shape()) {
      case TABLE -> TableBuilder.table(Printers.of(r.type(), r.custom(), r.path().version()), items, IncludeObject.parse(r.query("includeObject")),
          mv, meta, true, Instant.now());
      case PARTIAL_METADATA -> list("PartialObjectMetadataList", "meta.k8s.io/" + mv, meta,
          items.stream().map(i -> TableBuilder.partialMetadata(i, mv)).toList());
      case OBJECT -> list(r.listKind(), r.apiVersion(), meta, items);
    };
  }

  /** A list object. */
  static ObjectNode list(String kind, String apiVersion, ObjectNode meta, List<ObjectNode> items) {
    ObjectNode l = Json.object();
    l.put("kind", kind).put("apiVersion", apiVersion);
    l.set("metadata", meta);
    ArrayNode arr = l.putArray("items");
    items.forEach(arr::add);
    return l;
  }
}
