package io.dekube.core.encryption;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The encryption of the bus's copies of objects: a request on {@code dekube.requests} carries the object it writes
 * (or the patch), a reply on {@code dekube.replies} the object it answers (or a list of them, or a Status), and both
 * topics keep them for their retention (24 h, 1 h). For a resource the {@link StoreEncryption} configuration
 * encrypts, that payload travels sealed by the same transformer as the store's records: the first provider writes,
 * every provider reads by its prefix.
 *
 * <p>On the wire (decision): the envelope stays JSON with its routing fields in clear (id, requester, verb,
 * resource, namespace, name, preconditions, options, code — what kube keeps in clear in etcd's keys), and the
 * payload fields are replaced by one string field {@value #SEALED}: the base64 of exactly what the store would keep,
 * {@code k8s:enc:<provider>:v1:<key>:} and the ciphertext of the payload's JSON ({@code {"body": …}} for a request,
 * {@code {"object": …}} or {@code {"status": …}} for a reply). A sealed reply names its {@code resource} (its key
 * is the requester), so the reader picks the transformer. The authenticated data is the topic and the request id
 * ({@code dekube.requests/<id>}, {@code dekube.replies/<id>}), so a sealed payload cannot be moved to another
 * request. When the first provider is {@code identity} (writes in clear, as while decrypting) nothing is sealed.
 *
 * <p>A resource no entry names, or a process without a configuration, costs one lookup per message and the
 * message is as before. Stateless and thread-safe: it reads the configuration installed at the time of the call,
 * so a reloaded file applies to the next message.
 */
public final class BusEncryption {

  /** The field carrying a sealed payload. */
  public static final String SEALED = "sealed";

  private BusEncryption() {
  }

  /** A request's JSON as it goes on the bus: {@code body} sealed when {@code resource} is encrypted. Mutates {@code n}. */
  public static ObjectNode sealRequest(ObjectNode n) throws ValueTransformer.TransformException {
    JsonNode body = n.get("body");
    if (body == null) {
      return n;
    }
    ObjectNode payload = Json.object();
    payload.set("body", body);
    String sealed = seal(n.path("resource").asText(""), payload, ad("dekube.requests/", n.path("id").asText("")));
    if (sealed != null) {
      n.remove("body");
      n.put(SEALED, sealed);
    }
    return n;
  }

  /** A request's JSON with its body in clear again (as is when not sealed). Mutates {@code n}. */
  public static ObjectNode openRequest(ObjectNode n) throws ValueTransformer.TransformException {
    return open(n, n.path("resource").asText(""), ad("dekube.requests/", n.path("id").asText("")));
  }

  /**
   * A reply's JSON as it goes on the bus: its {@code object} or {@code status} sealed when {@code resource} (the
   * request's) is encrypted, with {@code resource} named. Mutates {@code n}.
   */
  public static ObjectNode sealReply(String resource, ObjectNode n) throws ValueTransformer.TransformException {
    if (resource == null || resource.isEmpty() || (!n.has("object") && !n.has("status"))) {
      return n;
    }
    ObjectNode payload = Json.object();
    for (String f : new String[] {"object", "status"}) {
      if (n.has(f)) {
        payload.set(f, n.get(f));
      }
    }
    String sealed = seal(resource, payload, ad("dekube.replies/", n.path("requestId").asText("")));
    if (sealed != null) {
      n.remove("object");
      n.remove("status");
      n.put("resource", resource).put(SEALED, sealed);
    }
    return n;
  }

  /** A reply's JSON with its payload in clear again (as is when not sealed). Mutates {@code n}. */
  public static ObjectNode openReply(ObjectNode n) throws ValueTransformer.TransformException {
    if (!n.has(SEALED)) {
      return n;
    }
    String resource = n.path("resource").asText("");
    open(n, resource, ad("dekube.replies/", n.path("requestId").asText("")));
    n.remove("resource");
    return n;
  }

  /**
   * An ingest record's text as it goes on {@code dekube.ingest} when one of its documents is of {@code resource},
   * which the configuration encrypts: base64 of the transformer's output, bound to the record's key; null when
   * that resource is written in clear (the text goes as it is). The record names the resource in the header
   * {@link #INGEST_HEADER}.
   */
  public static String sealIngest(String resource, String key, String text) throws ValueTransformer.TransformException {
    ValueTransformer t = StoreEncryption.transformer(resource);
    if (t == null) {
      return null;
    }
    byte[] out = t.toStorage(text.getBytes(StandardCharsets.UTF_8), ad("dekube.ingest/", key));
    // identity first writes in clear: the text goes as it is
    return PrefixTransformers.startsWith(out, Providers.ENCRYPTED) ? Base64.getEncoder().encodeToString(out) : null;
  }

  /** The text of an ingest record sealed for {@code resource}. */
  public static String openIngest(String resource, String key, String sealed) throws ValueTransformer.TransformException {
    byte[] data;
    try {
      data = Base64.getDecoder().decode(sealed);
    } catch (IllegalArgumentException e) {
      throw new ValueTransformer.TransformException("the sealed payload is not base64: " + e.getMessage());
    }
    ValueTransformer t = StoreEncryption.transformer(resource);
    byte[] clear = t == null ? Providers.IDENTITY.fromStorage(data, null).data()
        : t.fromStorage(data, ad("dekube.ingest/", key)).data();
    return new String(clear, StandardCharsets.UTF_8);
  }

  /** The header of a sealed ingest record: the resource whose transformer sealed it. */
  public static final String INGEST_HEADER = "dekube.sealed";

  /** The sealed payload, or null when this resource is written in clear. */
  private static String seal(String resource, ObjectNode payload, byte[] ad) throws ValueTransformer.TransformException {
    ValueTransformer t = resource.isEmpty() ? null : StoreEncryption.transformer(resource);
    if (t == null) {
      return null;
    }
    byte[] json;
    try {
      json = Json.MAPPER.writeValueAsBytes(payload);
    } catch (java.io.IOException e) {
      throw new ValueTransformer.TransformException("cannot serialize the payload: " + e.getMessage());
    }
    byte[] out = t.toStorage(json, ad);
    if (out.length > 0 && out[0] == '{') {
      return null; // identity first: written in clear, as the store writes it
    }
    return Base64.getEncoder().encodeToString(out);
  }

  private static ObjectNode open(ObjectNode n, String resource, byte[] ad) throws ValueTransformer.TransformException {
    JsonNode sealed = n.get(SEALED);
    if (sealed == null) {
      return n;
    }
    byte[] data;
    try {
      data = Base64.getDecoder().decode(sealed.asText(""));
    } catch (IllegalArgumentException e) {
      throw new ValueTransformer.TransformException("the sealed payload is not base64: " + e.getMessage());
    }
    ValueTransformer t = resource.isEmpty() ? null : StoreEncryption.transformer(resource);
    byte[] clear = t == null ? Providers.IDENTITY.fromStorage(data, null).data() : t.fromStorage(data, ad).data();
    JsonNode payload;
    try {
      payload = Json.MAPPER.readTree(clear);
    } catch (java.io.IOException e) {
      throw new ValueTransformer.TransformException("the sealed payload is not JSON: " + e.getMessage());
    }
    if (payload == null || !payload.isObject()) {
      throw new ValueTransformer.TransformException("the sealed payload is not a JSON object");
    }
    n.remove(SEALED);
    n.setAll((ObjectNode) payload);
    return n;
  }

  private static byte[] ad(String topic, String id) {
    return (topic + id).getBytes(StandardCharsets.UTF_8);
  }
}
