package io.dekube.apiserver.openapi.v2;

import io.dekube.apiserver.openapi.AggregatedSpecs;
import io.dekube.apiserver.openapi.OpenApiDocuments;
import io.dekube.apiserver.openapi.OpenApiHandler;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Serves {@code GET /openapi/v2} as kube-apiserver does: the Swagger 2.0 document as JSON, or as
 * gnostic protobuf when the client asks for
 * {@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf} (kubectl does), with an ETag.
 * Built on a worker thread from the v3 documents of {@link OpenApiHandler} at the first request, once
 * per set of v3 documents (so shared by the apiserver instances of a process), again whenever those
 * are rebuilt (CRDs).
 */
public final class OpenApiV2Handler {

  static final String PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
  private static final String PROTOBUF_OLD = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

  /** One build: JSON and protobuf bytes with their ETags. */
  private record Built(byte[] json, String jsonTag, byte[] proto, String protoTag) {
  }

  /**
   * The build of each set of v3 documents, shared by every handler serving them (the v3 documents are
   * shared per registry); an entry goes with its documents when CRDs replace them.
   */
  private static final Map<OpenApiDocuments, Entry> BUILT = new WeakHashMap<>();

  /** A build of the v3 documents merged with the aggregated specs whose tag is {@code aggregatedTag}. */
  private record Entry(String aggregatedTag, Future<Built> built) {
  }

  private final Vertx vertx;
  private final OpenApiHandler v3;

  public OpenApiV2Handler(Vertx vertx, OpenApiHandler v3) {
    this.vertx = vertx;
    this.v3 = v3;
  }

  /** Mounts {@code /openapi/v2}. */
  public OpenApiV2Handler mount(Router router) {
    router.get("/openapi/v2").handler(this::serve);
    return this;
  }

  private Future<Built> built() {
    AggregatedSpecs aggregated = v3.aggregated();
    return v3.documents().compose(docs -> (aggregated == null
        ? Future.succeededFuture(new AggregatedSpecs.Snapshot(List.of(), "", Map.of())) : aggregated.snapshot())
        .compose(specs -> {
          synchronized (BUILT) {
            // one merged document per set of v3 documents: a change of the backends replaces it
            Entry e = BUILT.get(docs);
            if (e == null || e.built().failed() || !e.aggregatedTag().equals(specs.v2Tag())) {
              e = new Entry(specs.v2Tag(), vertx.executeBlocking(() -> build(docs, specs.v2()), false));
              BUILT.put(docs, e);
            }
            return e.built();
          }
        }));
  }

  private static Built build(OpenApiDocuments docs, List<byte[]> aggregated) throws java.io.IOException {
    var tree = SwaggerDocument.of(docs);
    for (byte[] spec : aggregated) {
      SwaggerMerge.merge(tree, io.dekube.core.model.Json.MAPPER.readTree(spec));
    }
    byte[] json = tree.toString().getBytes(StandardCharsets.UTF_8);
    byte[] proto = SwaggerProto.encode(tree);
    return new Built(json, OpenApiDocuments.hash(json), proto, OpenApiDocuments.hash(proto));
  }

  private void serve(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    boolean proto = accept != null && (accept.contains(PROTOBUF) || accept.contains(PROTOBUF_OLD));
    built().onSuccess(b -> {
      String etag = "\"" + (proto ? b.protoTag() : b.jsonTag()) + "\"";
      var res = ctx.response().putHeader("ETag", etag).putHeader("Vary", "Accept")
          .putHeader("Cache-Control", "no-cache, private");
      if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
        res.setStatusCode(304).end();
        return;
      }
      // kube answers protobuf as octet-stream: Go cannot parse the "@" of the requested media type
      res.putHeader("Content-Type", proto ? "application/octet-stream" : "application/json")
          .end(Buffer.buffer(proto ? b.proto() : b.json()));
    }).onFailure(e -> {
      StatusException s = StatusException.internal("building the OpenAPI v2 document failed: " + e);
      ctx.response().setStatusCode(500).putHeader("Content-Type", "application/json").end(s.toStatus().toString());
    });
  }
}
