package io.dekube.apiserver.semantics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.apiserver.codec.proto.ProtobufDecoder;
import io.dekube.apiserver.conversion.LegacyVersion;
import io.dekube.apiserver.conversion.LegacyVersions;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.patch.ServerSideApply;
import io.dekube.core.patch.StrategicMergePatch;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory object store behind {@link StubApiServer}, wiring this package's pieces the way the
 * writer and the REST layer do (decode, convert, patch, admit, track managedFields), so that the real
 * kubectl can create, apply (client- and server-side), scale, label and patch against them.
 */
final class MiniStore {

  /** A request path resolved to a resource. */
  record Target(ResourceType type, String apiVersion, LegacyVersion legacy, String namespace, String name,
                String subresource) {
    String key() {
      return type.resourceName() + "/" + namespace + "/" + name;
    }
  }

  private final ResourceRegistry registry;
  private final KubernetesAdmission admission = new KubernetesAdmission();
  private final Map<String, ObjectNode> objects = new ConcurrentHashMap<>();
  private final AtomicLong rv = new AtomicLong(100);

  MiniStore(ResourceRegistry registry) {
    this.registry = registry;
  }

  Optional<Target> resolve(String path) {
    String[] p = path.replaceAll("^/+", "").split("/");
    int i;
    String group;
    String version;
    if (p.length >= 2 && p[0].equals("api")) {
      group = "";
      version = p[1];
      i = 2;
    } else if (p.length >= 3 && p[0].equals("apis")) {
      group = p[1];
      version = p[2];
      i = 3;
    } else {
      return Optional.empty();
    }
    String ns = "";
    if (p.length > i + 1 && p[i].equals("namespaces") && p.length > i + 2) {
      ns = p[i + 1];
      i += 2;
    }
    if (p.length <= i) {
      return Optional.empty();
    }
    String plural = p[i];
    String name = p.length > i + 1 ? p[i + 1] : null;
    String sub = p.length > i + 2 ? p[i + 2] : null;
    Optional<LegacyVersion> legacy = LegacyVersions.lookup(group, version, plural);
    Optional<ResourceType> type = legacy.isPresent()
        ? registry.byResourceName(legacy.get().storedResourceName()) : registry.byGroupPlural(group, plural);
    if (type.isEmpty()) {
      return Optional.empty();
    }
    if (plural.equals("namespaces") && name == null && !ns.isEmpty()) {
      name = ns;
      ns = "";
    }
    String apiVersion = group.isEmpty() ? version : group + "/" + version;
    return Optional.of(new Target(type.get(), apiVersion, legacy.orElse(null), ns, name, sub));
  }

  ObjectNode get(Target t) {
    ObjectNode o = objects.get(t.key());
    if (o == null) {
      throw StatusException.notFound(t.type(), t.name());
    }
    if ("scale".equals(t.subresource())) {
      return scale(o);
    }
    return out(t, o);
  }

  private ObjectNode out(Target t, ObjectNode stored) {
    return t.legacy() == null ? stored.deepCopy() : t.legacy().fromStored(stored);
  }

  ObjectNode create(Target t, String contentType, byte[] body, String manager) {
    ObjectNode obj = decode(contentType, body);
    if (t.legacy() != null) {
      obj = t.legacy().toStored(obj);
    }
    ObjectNode meta = Json.metadata(obj);
    if (t.type().namespaced()) {
      meta.put("namespace", t.namespace());
    }
    Target at = new Target(t.type(), t.apiVersion(), t.legacy(), t.namespace(), meta.path("name").asText(), null);
    if (objects.containsKey(at.key())) {
      throw StatusException.alreadyExists(t.type(), at.name());
    }
    ObjectNode admitted = admission.admit(t.type(), Verb.CREATE, obj, null);
    return out(t, store(at, null, admitted, manager));
  }

  ObjectNode patch(Target t, String contentType, byte[] body, String manager, boolean force) {
    ObjectNode current = objects.get(t.key());
    String type = contentType.split(";")[0].trim();
    JsonNode doc = parse(body, type.equals("application/apply-patch+yaml"));
    if ("scale".equals(t.subresource())) {
      ObjectNode updated = current.deepCopy();
      updated.with("spec").set("replicas", doc.at("/spec/replicas"));
      store(t, current, admission.admit(t.type(), Verb.UPDATE, updated, current), manager, "scale");
      return scale(objects.get(t.key()));
    }
    if (type.equals("application/apply-patch+yaml")) {
      ObjectNode applied = ServerSideApply.apply(current, t.legacy() == null ? doc : t.legacy().toStored((ObjectNode) doc),
          t.type(), manager, force);
      ObjectNode admitted = admission.admit(t.type(), current == null ? Verb.CREATE : Verb.UPDATE, applied, current);
      return out(t, storeApplied(t, current, admitted));
    }
    if (current == null) {
      throw StatusException.notFound(t.type(), t.name());
    }
    ObjectNode base = t.legacy() == null ? current : t.legacy().fromStored(current);
    ObjectNode patched = switch (type) {
      case "application/strategic-merge-patch+json" -> StrategicMergePatch.apply(base, doc, t.type());
      case "application/merge-patch+json" -> mergePatch(base.deepCopy(), doc);
      // kubectl apply --server-side moves client-side apply's managedFields to its own entry with one
      case "application/json-patch+json" -> Patches.apply(type, base, doc, t.type(), null);
      default -> throw new StatusException(415, "UnsupportedMediaType", "unsupported patch type " + type);
    };
    if (t.legacy() != null) {
      patched = t.legacy().toStored(patched);
    }
    return out(t, store(t, current, admission.admit(t.type(), Verb.PATCH, patched, current), manager));
  }

  private ObjectNode storeApplied(Target t, ObjectNode old, ObjectNode obj) {
    return store(t, old, obj, null, null);
  }

  private ObjectNode store(Target t, ObjectNode old, ObjectNode obj, String manager) {
    return store(t, old, obj, manager, null);
  }

  private ObjectNode store(Target t, ObjectNode old, ObjectNode obj, String manager, String subresource) {
    ObjectNode meta = Json.metadata(obj);
    if (old == null) {
      meta.put("uid", UUID.randomUUID().toString()).put("creationTimestamp", Instant.now().toString());
      meta.put("generation", 1);
    } else {
      meta.put("uid", old.at("/metadata/uid").asText());
      meta.put("creationTimestamp", old.at("/metadata/creationTimestamp").asText());
      meta.put("generation", old.at("/metadata/generation").asLong() + (old.path("spec").equals(obj.path("spec")) ? 0 : 1));
    }
    ObjectNode tracked = manager == null ? obj : ServerSideApply.trackUpdate(old, obj, t.type(), manager, subresource,
        Instant.now());
    ObjectNode cmpOld = old == null ? null : old.deepCopy();
    if (cmpOld != null) {
      Json.metadata(cmpOld).remove("resourceVersion");
    }
    ObjectNode cmpNew = tracked.deepCopy();
    Json.metadata(cmpNew).remove("resourceVersion");
    if (cmpOld != null && cmpOld.equals(cmpNew)) {
      return old.deepCopy();
    }
    Json.metadata(tracked).put("resourceVersion", String.valueOf(rv.incrementAndGet()));
    objects.put(t.key(), tracked);
    return tracked.deepCopy();
  }

  private static ObjectNode scale(ObjectNode o) {
    ObjectNode s = Json.object().put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    s.putObject("metadata").put("name", o.at("/metadata/name").asText())
        .put("namespace", o.at("/metadata/namespace").asText())
        .put("resourceVersion", o.at("/metadata/resourceVersion").asText());
    s.putObject("spec").put("replicas", o.at("/spec/replicas").asInt());
    s.putObject("status").put("replicas", 0);
    return s;
  }

  static ObjectNode mergePatch(ObjectNode target, JsonNode patch) {
    patch.fields().forEachRemaining(e -> {
      if (e.getValue().isNull()) {
        target.remove(e.getKey());
      } else if (e.getValue().isObject() && target.get(e.getKey()) instanceof ObjectNode t) {
        mergePatch(t, e.getValue());
      } else {
        target.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    return target;
  }

  private static ObjectNode decode(String contentType, byte[] body) {
    if (ProtobufDecoder.handles(contentType)) {
      return ProtobufDecoder.decode(body);
    }
    return (ObjectNode) parse(body, contentType != null && contentType.contains("yaml"));
  }

  private static JsonNode parse(byte[] body, boolean yaml) {
    try {
      return (yaml ? Json.YAML : Json.MAPPER).readTree(body);
    } catch (IOException e) {
      throw StatusException.badRequest(e.getMessage());
    }
  }
}
