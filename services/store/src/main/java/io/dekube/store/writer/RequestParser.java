package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.encryption.BusEncryption;
import io.dekube.core.encryption.ValueTransformer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.BusPartitioner;
import io.dekube.core.store.WriteOptions;
import java.util.Optional;

/**
 * Turns a request record's value into a {@link ParsedRequest}, or a {@link Rejected} naming the
 * reason and, when the requester can be read, the error reply. Never throws. Stateless apart from
 * the registry; loop-thread confined.
 */
final class RequestParser {

  /** A bad message: reason (the metric tag), and the error to reply, when there is a reply address. */
  record Rejected(String reason, String requestId, String requester, StatusException error) {

    /** Whether the rejection can be answered (the requester is known). */
    boolean answerable() {
      return requester != null && !requester.isEmpty();
    }
  }

  /** Either a request or a rejection. */
  record Result(ParsedRequest request, Rejected rejected) {
  }

  private final ResourceRegistry registry;
  private final int maxRequestBytes;

  RequestParser(ResourceRegistry registry, int maxRequestBytes) {
    this.registry = registry;
    this.maxRequestBytes = maxRequestBytes;
  }

  /**
   * Parses a record of request partition {@code partition} (of {@code partitions}); a resource whose
   * requests belong to another partition is rejected (its writer is another one).
   */
  Result parse(byte[] value, int partition, int partitions) {
    if (value == null || value.length == 0) {
      return rejected("empty", null, null, StatusException.badRequest("empty request"));
    }
    JsonNode n;
    try {
      n = Json.MAPPER.readTree(value);
    } catch (Exception e) {
      return rejected("not-json", null, null, StatusException.badRequest("request is not JSON"));
    }
    if (n == null || !n.isObject()) {
      return rejected("not-json", null, null, StatusException.badRequest("request is not a JSON object"));
    }
    String id = text(n, "id");
    String requester = text(n, "requester");
    if (n.has(BusEncryption.SEALED)) {
      try {
        BusEncryption.openRequest((ObjectNode) n);
      } catch (ValueTransformer.TransformException e) {
        return rejected("unreadable", id, requester, StatusException.internal("Internal error occurred: unable to "
            + "transform the request for " + text(n, "resource") + ": " + e.getMessage()));
      }
    }
    if (value.length > maxRequestBytes) {
      return rejected("too-large", id, requester, StatusException.tooLarge("request is " + value.length
          + " bytes; the limit is " + maxRequestBytes + " bytes"));
    }
    if (id.isEmpty() || requester.isEmpty() || text(n, "verb").isEmpty() || text(n, "resource").isEmpty()) {
      return rejected("missing-fields", id, requester,
          StatusException.badRequest("request needs id, requester, verb and resource"));
    }
    Verb verb = Verb.fromWire(text(n, "verb"));
    if (verb == null) {
      return rejected("unknown-verb", id, requester, StatusException.badRequest("unknown verb \"" + text(n, "verb")
          + "\""));
    }
    String resource = text(n, "resource");
    Optional<ResourceType> type = registry.byResourceName(resource);
    if (type.isEmpty()) {
      return rejected("unknown-resource", id, requester, new StatusException(404, "NotFound",
          "the server could not find the requested resource (" + resource + ")"));
    }
    int owner = BusPartitioner.partition(resource, partitions);
    if (owner != partition) {
      return rejected("wrong-partition", id, requester, StatusException.badRequest("request for " + resource
          + " on partition " + partition + "; requests for it must be keyed by resource name (partition " + owner
          + ")"));
    }
    for (String f : new String[] {"body", "preconditions", "options"}) {
      if (n.hasNonNull(f) && !n.get(f).isObject()) {
        return rejected("bad-fields", id, requester, StatusException.badRequest(f + " must be a JSON object"));
      }
    }
    RequestEnvelope env = new RequestEnvelope(id, requester, verb.wire(), resource, text(n, "namespace"),
        text(n, "name"), object(n, "body"), object(n, "preconditions"), object(n, "options"));
    WriteOptions options = WriteOptions.fromJson(env.preconditions(), env.options());
    Optional<ResourceType> served = servedType(type.get(), options.apiVersion());
    if (served.isEmpty()) {
      return rejected("unknown-version", id, requester, new StatusException(404, "NotFound",
          "the server could not find the requested resource (" + resource + " " + options.apiVersion() + ")"));
    }
    return new Result(new ParsedRequest(env, served.get(), verb, options), null);
  }

  /**
   * The stored resource as a request in {@code apiVersion} writes it: a custom kind's served version other than its
   * storage one brings its own subresources (kube's {@code spec.versions[*].subresources}: whether a status write
   * is apart, what a create drops); the version stays the storage one, which the objects are in. Empty when the
   * kind does not serve that version.
   */
  private Optional<ResourceType> servedType(ResourceType stored, String apiVersion) {
    if (apiVersion == null || apiVersion.equals(stored.apiVersion())) {
      return Optional.of(stored);
    }
    String group = stored.group().isEmpty() ? "" : stored.group() + "/";
    return registry.custom(stored.resourceName()).filter(k -> apiVersion.startsWith(group))
        .flatMap(k -> k.servedAs(apiVersion.substring(group.length())));
  }

  private static Result rejected(String reason, String id, String requester, StatusException error) {
    return new Result(null, new Rejected(reason, id == null ? "" : id, requester, error));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || !v.isTextual() ? "" : v.asText();
  }

  private static ObjectNode object(JsonNode n, String field) {
    return n.get(field) instanceof ObjectNode o ? o : null;
  }
}
