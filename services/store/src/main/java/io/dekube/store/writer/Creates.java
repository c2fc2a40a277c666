package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.CreateFields;
import io.dekube.core.store.Generation;

/**
 * Create: fills the server fields (uid, creationTimestamp, generation 1 where the kind has one, a generated name),
 * admits in kube's stages (the mutating plugins before a name is generated), checks uniqueness and plans the store
 * record. Loop-thread confined.
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

  /**
   * Creates {@code obj} (already reconciled with the request): also the path of an apply patch on a new object. The
   * request option {@code serverFields} carries the uid, creationTimestamp and generated name admission chose before
   * the write came here (its validating webhooks and policies saw them): they are stored, over a client's uid; a
   * chosen name taken meanwhile is refused with kube's generate-name conflict, and the admission tries another
   * (kube's RetryGenerateName runs the store's create again, its validating admission too, with a new name).
   */
  Outcome create(ParsedRequest req, ObjectNode obj, BatchOverlay view) {
    ResourceType type = req.type();
    CreateFields chosen = req.options().serverFields();
    support.fields.prepareForCreate(obj, chosen);
    Generation.onCreate(type, obj);
    ObjectNode meta = Json.metadata(obj);
    String generateName = meta.path("generateName").asText("");
    String given = meta.path("name").asText("");
    boolean generated = !generateName.isEmpty()
        && (given.isEmpty() || chosen != null && given.equals(chosen.name()));
    if (generated) {
      // kube's mutating admission runs before the name is generated, so its refusals name the generateName prefix
      // (pods "web-7d4b9-" is forbidden: error looking up service account ...); validation and the validating
      // plugins (PodSecurity, LimitRanger's limits, ResourceQuota) come after it and name the generated name
      meta.remove("name");
      obj = support.mutate(req, obj);
      meta = Json.metadata(obj);
      meta.put("name", uniqueName(type, meta.path("namespace").asText(""), generateName,
          chosen == null ? null : chosen.name(), view));
    }
    ObjectNode admitted = support.trackOwnership(req, null, support.admit(req, Verb.CREATE, obj, null, null));
    Json.metadata(admitted).remove("resourceVersion");
    String key = WriteSupport.key(req, admitted);
    support.checkQuota(type, admitted, null, view);
    support.allocate(type, key, admitted, null, view);
    if (view.get(type, key) != null) {
      if (generated) {
        throw generateNameConflict(type, ObjectKey.parse(key).name());
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
   * kube's {@code NewGenerateNameConflict}: 409 AlreadyExists, retry after a second. The admission of a create takes it
   * as its cue to validate the object again with another generated name.
   */
  static StatusException generateNameConflict(ResourceType type, String name) {
    String resource = type.plural() + (type.group().isEmpty() ? "" : "." + type.group());
    ObjectNode details = Json.object().put("name", name).put("group", type.group()).put("kind", type.plural())
        .put("retryAfterSeconds", 1);
    return new StatusException(409, "AlreadyExists", resource + " \"" + name
        + "\" already exists, the server was not able to generate a unique name for the object", details);
  }

  /**
   * A name generated from {@code prefix} that is free, trying a few times; {@code chosen} (the admission's) when it is
   * free, else kube's generate-name conflict: the admission saw that name and validates another.
   */
  private String uniqueName(ResourceType type, String namespace, String prefix, String chosen, BatchOverlay view) {
    if (chosen != null) {
      if (view.get(type, new ObjectKey(type.namespaced() ? namespace : "", chosen).toString()) != null) {
        throw generateNameConflict(type, chosen);
      }
      return chosen;
    }
    String name = support.fields.generateName(prefix);
    for (int i = 1; i < GENERATE_NAME_ATTEMPTS
        && view.get(type, new ObjectKey(type.namespaced() ? namespace : "", name).toString()) != null; i++) {
      name = support.fields.generateName(prefix);
    }
    return name;
  }
}
