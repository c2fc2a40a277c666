package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.Generation;

/**
 * Create: fills the server fields (uid, creationTimestamp, generation 1 where the kind has one, a generated name), admits,
 * checks uniqueness and plans the store record. Loop-thread confined.
 */
final class Creates {

  /** How many generated names are tried before giving up (kube-apiserver retries too). */
  static final int GENERATE_NAME_ATTEMPTS = 8;

  private final WriteSupport support;

  Creates(WriteSupport support) {
    this.support = support;
  }

  Outcome create(ParsedRequest req, BatchOverlay view) {
    return create(req, WriteSupport.body(req), view);
  }

  /** Creates {@code obj} (already reconciled with the request): also the path of an apply patch on a new object. */
  Outcome create(ParsedRequest req, ObjectNode obj, BatchOverlay view) {
    ResourceType type = req.type();
    ObjectNode meta = Json.metadata(obj);
    support.fields.prepareForCreate(obj);
    Generation.onCreate(type, obj);
    String generateName = meta.path("generateName").asText("");
    boolean generated = meta.path("name").asText("").isEmpty() && !generateName.isEmpty();
    if (generated) {
      meta.put("name", uniqueName(type, meta.path("namespace").asText(""), generateName, view));
    }
    String name = meta.path("name").asText("");
    ObjectNode admitted;
    try {
      admitted = support.trackOwnership(req, null, support.admit(type, Verb.CREATE, obj, null, null));
    } catch (StatusException e) {
      throw generated ? beforeNaming(e, name, generateName) : e;
    }
    Json.metadata(admitted).remove("resourceVersion");
    String key = WriteSupport.key(req, admitted);
    try {
      support.checkQuota(type, admitted, null, view);
    } catch (StatusException e) {
      throw generated ? beforeNaming(e, name, generateName) : e;
    }
    support.allocate(type, key, admitted, null, view);
    if (view.get(type, key) != null) {
      if (generated) {
        throw new StatusException(409, "AlreadyExists", type.plural() + " \"" + ObjectKey.parse(key).name()
            + "\" already exists, the server was not able to generate a unique name for the object");
      }
      throw StatusException.alreadyExists(type, ObjectKey.parse(key).name());
    }
    if (req.options().dryRun()) {
      return Outcome.ok(201, null, admitted::deepCopy);
    }
    StoreWrite w = support.put(type, key, admitted, req.id());
    view.put(w);
    return Outcome.ok(201, w, w::withRv);
  }

  /**
   * A refusal of admission (403) as kube words it for a generated name: its admission plugins (ServiceAccount,
   * PodSecurity, ResourceQuota...) run before the name is generated, so the message names the prefix
   * ({@code pods "web-7d4b9-" is forbidden: ...}, as a ReplicaSet's FailedCreate Event shows it); validation's
   * 422s come after and name the generated name.
   */
  private static StatusException beforeNaming(StatusException e, String generated, String prefix) {
    if (e.code() != 403) {
      return e;
    }
    com.fasterxml.jackson.databind.JsonNode details = e.toStatus().get("details");
    ObjectNode renamed = details instanceof ObjectNode d ? d.deepCopy() : null;
    if (renamed != null && renamed.path("name").asText("").equals(generated)) {
      renamed.put("name", prefix);
    }
    String message = e.getMessage().replace("\"" + generated + "\"", "\"" + prefix + "\"");
    return new StatusException(e.code(), e.reason(), message, renamed);
  }

  private String uniqueName(ResourceType type, String namespace, String prefix, BatchOverlay view) {
    String name = support.fields.generateName(prefix);
    for (int i = 1; i < GENERATE_NAME_ATTEMPTS
        && view.get(type, new ObjectKey(type.namespaced() ? namespace : "", name).toString()) != null; i++) {
      name = support.fields.generateName(prefix);
    }
    return name;
  }
}
