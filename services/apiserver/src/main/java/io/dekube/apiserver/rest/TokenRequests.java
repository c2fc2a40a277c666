package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.proto.ProtobufDecoder;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.serviceaccount.ServiceAccountInfo;
import io.dekube.core.serviceaccount.TokenClaims;
import io.dekube.core.serviceaccount.TokenSigner;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import io.dekube.store.admission.webhook.AdmissionAttributes;

/**
 * The {@code serviceaccounts/token} subresource (TokenRequest, {@code authentication.k8s.io/v1}),
 * as kube-apiserver's: POST a TokenRequest, get it back with {@code status.token} and
 * {@code status.expirationTimestamp} ({@code kubectl create token}). {@code spec.expirationSeconds}
 * defaults to 3600 and must lie in [600 s, 2^32 s]; {@code spec.audiences} default to the API
 * audiences; {@code spec.boundObjectRef} binds the token to a Pod (and its Node: name and uid, the
 * name alone when the Node is not found), a Node (kube's ServiceAccountTokenNodeBinding, beta and on in
 * 1.32) or a Secret of the namespace, whose uid must match when given, and a pod must run as this
 * ServiceAccount. A request past {@code --service-account-max-token-expiration} is shortened to it,
 * with kube's warning; a pod token of 3607 s for the API audiences is extended to a year with
 * {@code warnafter} ({@code --service-account-extend-token-expiration}). Every token has a {@code jti}
 * (ServiceAccountTokenJTI), which the request's audit events name as
 * {@code authentication.kubernetes.io/issued-credential-id}. Runs on the request's event loop; signing
 * is a few hundred microseconds of CPU.
 */
final class TokenRequests {

  static final String API_VERSION = "authentication.k8s.io/v1";
  private static final AdmissionAttributes.ObjectKind TOKEN_REQUEST = AdmissionAttributes.ObjectKind.of(API_VERSION,
      "TokenRequest");
  private static final long MIN_SECONDS = 600;
  private static final long MAX_SECONDS = 1L << 32;
  /** The audit annotation naming a new token's credential id, kube's {@code IssuedCredentialIDAuditAnnotationKey}. */
  static final String ISSUED_CREDENTIAL_ID = "authentication.kubernetes.io/issued-credential-id";

  private final ReadHandler reads;
  private final Function<ResourceType, ObjectCache> caches;
  private final ResourceRegistry registry;
  private final TokenSigner signer;
  private final Supplier<DynamicAdmission> admission;

  TokenRequests(ReadHandler reads, Function<ResourceType, ObjectCache> caches, ResourceRegistry registry,
                TokenSigner signer, Supplier<DynamicAdmission> admission) {
    this.reads = reads;
    this.caches = caches;
    this.registry = registry;
    this.signer = signer;
    this.admission = admission;
  }

  void create(ApiRequest r) {
    WriteParams p = WriteParams.parse(r::query, r.queryAll("dryRun"), "CreateOptions", false);
    Bodies.read(r.ctx()).compose(body -> {
      ObjectNode request = decode(r, body);
      String kind = request.path("kind").asText("TokenRequest");
      if (!kind.isEmpty() && !kind.equals("TokenRequest")) {
        throw StatusException.badRequest("the body is a " + kind + ", not a TokenRequest");
      }
      io.dekube.apiserver.audit.AuditHandler.request(r.ctx(), request);
      // as kube decodes it: its kind, the request's namespace, spec.expirationSeconds defaulted to an hour
      request.put("apiVersion", API_VERSION).put("kind", "TokenRequest");
      ObjectNode meta = request.with("metadata");
      if (meta.path("namespace").asText("").isEmpty()) {
        meta.put("namespace", r.namespace());
      }
      ObjectNode spec = request.with("spec");
      if (!spec.hasNonNull("expirationSeconds")) {
        spec.put("expirationSeconds", TokenSigner.DEFAULT_SECONDS);
      }
      // kube admits a CREATE of serviceaccounts/token with the TokenRequest; the admitted request is the one issued.
      // As kube's token REST, the validating admission sees it completed and checked (filled, below)
      return admission.get().subresource(r, r.type(), "CREATE", r.name(), TOKEN_REQUEST, request, null, p.dryRun(),
          DynamicAdmission.createOptions(p), mutated -> filled(r, mutated))
          .compose(admitted -> reads.get(r).map(sa -> issue(r, admitted, sa, seconds(admitted))));
    }).onComplete(ar -> {
      if (ar.failed()) {
        Responses.fail(r.ctx(), ar.cause(), r.pretty());
      } else {
        Responses.send(r.ctx(), 201, ar.result(), r.pretty(), r.format().yaml());
      }
    });
  }

  /** The TokenRequest of the body: JSON, YAML or protobuf (kubectl sends protobuf). */
  private static ObjectNode decode(ApiRequest r, byte[] body) {
    if (body.length == 0) {
      return Json.object();
    }
    String contentType = r.ctx().request().getHeader("Content-Type");
    if (ProtobufDecoder.handles(contentType)) {
      return ProtobufDecoder.decode(body);
    }
    return r.codecs().decoder().decodeObject(contentType, body, r.type()).object();
  }

  /**
   * What kube's token REST does to the mutated request before its validating admission: the API audiences when it
   * names none, its name and namespace when it has none, the creationTimestamp of now, no status, then kube's
   * static validation of the expiration.
   */
  private ObjectNode filled(ApiRequest r, ObjectNode mutated) {
    ObjectNode request = mutated.deepCopy();
    ObjectNode spec = request.with("spec");
    if (!spec.path("audiences").isArray() || spec.path("audiences").isEmpty()) {
      ArrayNode aud = spec.putArray("audiences");
      signer.options().apiAudiences().forEach(aud::add);
    }
    ObjectNode meta = request.with("metadata");
    if (meta.path("name").asText("").isEmpty()) {
      meta.put("name", r.name());
    }
    if (meta.path("namespace").asText("").isEmpty()) {
      meta.put("namespace", r.namespace());
    }
    meta.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    request.remove("status");
    validate(r, seconds(request));
    return request;
  }

  /** The request's spec.expirationSeconds (kube's hour when it has none). */
  private static long seconds(JsonNode request) {
    JsonNode asked = request.path("spec").path("expirationSeconds");
    return asked.isNumber() || asked.isTextual() && !asked.asText().isEmpty()
        ? asked.asLong(TokenSigner.DEFAULT_SECONDS) : TokenSigner.DEFAULT_SECONDS;
  }

  private static void validate(ApiRequest r, long seconds) {
    if (seconds < MIN_SECONDS) {
      throw invalid(r.name(), "spec.expirationSeconds", seconds, "may not specify a duration less than 10 minutes");
    }
    if (seconds > MAX_SECONDS) {
      throw invalid(r.name(), "spec.expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds");
    }
  }

  /** The token of a request as {@link #filled} completed it (and the webhooks admitted it). */
  private ObjectNode issue(ApiRequest r, ObjectNode request, ObjectNode sa, long seconds) {
    ObjectNode spec = request.with("spec");
    List<String> audiences = new ArrayList<>(); // filled: the request's, or the API audiences
    spec.path("audiences").forEach(a -> audiences.add(a.asText()));
    JsonNode meta = sa.path("metadata");
    TokenSigner.Binding binding = TokenSigner.Binding.account(r.namespace(), r.name(), meta.path("uid").asText());
    JsonNode ref = spec.path("boundObjectRef");
    if (ref.isObject() && !ref.isEmpty()) {
      binding = bind(r, binding, ref);
    }
    TokenSigner.Issued issued = signer.bound(binding, audiences, seconds, Instant.now());
    if (issued.expirationSeconds() != seconds) {
      Responses.warnings(r.ctx(), List.of("requested expiration of " + seconds + " seconds shortened to "
          + issued.expirationSeconds() + " seconds"));
    }
    io.dekube.apiserver.audit.AuditHandler.annotate(r.ctx(), java.util.Map.of(ISSUED_CREDENTIAL_ID,
        ServiceAccountInfo.credentialIdForJti(issued.claims().id())));
    ObjectNode out = Json.object().put("kind", "TokenRequest").put("apiVersion", API_VERSION);
    ObjectNode outMeta = out.putObject("metadata").put("name", r.name()).put("namespace", r.namespace());
    outMeta.set("creationTimestamp", request.path("metadata").path("creationTimestamp")); // filled
    ObjectNode outSpec = out.putObject("spec");
    ArrayNode aud = outSpec.putArray("audiences");
    audiences.forEach(aud::add);
    outSpec.put("expirationSeconds", issued.expirationSeconds());
    if (ref.isObject() && !ref.isEmpty()) {
      outSpec.set("boundObjectRef", ref.deepCopy());
    } else {
      outSpec.putNull("boundObjectRef");
    }
    out.putObject("status").put("token", issued.token())
        .put("expirationTimestamp", issued.expirationTimestamp().truncatedTo(ChronoUnit.SECONDS).toString());
    return out;
  }

  private TokenSigner.Binding bind(ApiRequest r, TokenSigner.Binding binding, JsonNode ref) {
    String kind = ref.path("kind").asText("");
    String apiVersion = ref.path("apiVersion").asText("");
    String name = ref.path("name").asText("");
    String uid = ref.path("uid").asText("");
    // as kube's schema.FromAPIVersionAndKind: the core group is an apiVersion without a slash, any version
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    String resource = switch (kind) {
      case "Pod" -> "pods";
      case "Node" -> "nodes";
      case "Secret" -> "secrets";
      default -> "";
    };
    if (!group.isEmpty() || resource.isEmpty()) {
      String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
      throw StatusException.badRequest("cannot bind token to object of type " + group + "/" + version + ", Kind="
          + kind);
    }
    ResourceType type = registry.byResourceName(resource).orElseThrow();
    ObjectNode target = caches.apply(type).get(kind.equals("Node") ? "" : r.namespace(), name);
    if (target == null) {
      throw StatusException.notFound(type, name);
    }
    String actualUid = target.path("metadata").path("uid").asText();
    if (kind.equals("Pod")) {
      String podAccount = target.path("spec").path("serviceAccountName").asText("");
      if (!podAccount.equals(r.name())) {
        throw StatusException.badRequest("cannot bind token for serviceaccount \"" + r.name() + "\" to pod running "
            + "with different serviceaccount name.");
      }
    }
    if (!uid.isEmpty() && !uid.equals(actualUid)) {
      // kube names the kind where it names a resource: "on Pod", "on Node", "on Secret"
      throw new StatusException(409, "Conflict", "Operation cannot be fulfilled on " + kind + " \"" + name
          + "\": the UID in the bound object reference (" + uid + ") does not match the UID in record. The object "
          + "might have been deleted and then recreated");
    }
    return switch (kind) {
      case "Secret" -> binding.withSecret(name, actualUid);
      case "Node" -> binding.withNode(name, actualUid);
      default -> binding.withPod(name, actualUid, node(target.path("spec").path("nodeName").asText("")));
    };
  }

  /** The node of a bound pod: its name and uid, the name alone when the Node is not found, as kube's. */
  private TokenClaims.Ref node(String nodeName) {
    if (nodeName.isEmpty()) {
      return null;
    }
    ResourceType nodes = registry.byResourceName("nodes").orElseThrow();
    ObjectNode node = caches.apply(nodes).get("", nodeName);
    return new TokenClaims.Ref(nodeName, node == null ? "" : node.path("metadata").path("uid").asText());
  }

  private static StatusException invalid(String name, String field, long value, String detail) {
    ObjectNode details = Json.object().put("name", name).put("group", "authentication.k8s.io").put("kind", "TokenRequest");
    details.putArray("causes").addObject().put("reason", "FieldValueInvalid")
        .put("message", "Invalid value: " + value + ": " + detail).put("field", field);
    return new StatusException(422, "Invalid", "TokenRequest.authentication.k8s.io \"" + name + "\" is invalid: "
        + field + ": Invalid value: " + value + ": " + detail, details);
  }
}
