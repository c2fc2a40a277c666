package io.dekube.core.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StatusSubresource;
import io.dekube.core.store.WriteOptions;
import io.dekube.core.patch.apply.ApplyMerge;
import io.dekube.core.patch.apply.FieldSet;
import io.dekube.core.patch.apply.LastApplied;
import io.dekube.core.patch.apply.ManagedFields;
import io.dekube.core.patch.apply.Paths;
import io.dekube.core.patch.smp.PatchSchema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Server-side apply ({@code application/apply-patch+yaml}): merges an applied configuration into the
 * live object and records who owns which field in {@code metadata.managedFields} ({@code FieldsV1}).
 * A field another manager owns with a different value is a 409 Conflict unless {@code force}; fields
 * this manager applied before and no longer applies are removed unless someone else owns them.
 * {@link #trackUpdate} records the ownership of ordinary writes (operation Update), which is what
 * makes a server-side apply conflict with an earlier {@code kubectl apply} (for the manager {@code kubectl},
 * except on the fields its last-applied annotation explains: {@link LastApplied}). Pure and thread-safe.
 */
public final class ServerSideApply implements PatchStrategy {

  /** The {@link PatchStrategy} of {@link Patches#APPLY}: fieldManager and force come from the options. */
  public ServerSideApply() {
  }

  @Override
  public ObjectNode apply(ObjectNode current, JsonNode patch, ResourceType type, WriteOptions options) {
    return apply(current, patch, type, options.fieldManager(), Boolean.TRUE.equals(options.force()),
        options.apiVersion(), options.subresource(), Instant.now());
  }

  /**
   * Applies {@code applied} as {@code manager}.
   *
   * @param live the current object, null when it does not exist (apply creates it)
   * @return the new object (a copy), managedFields updated
   * @throws StatusException 422 without a field manager, 400 for a malformed configuration, 409 on conflicts
   */
  public static ObjectNode apply(ObjectNode live, JsonNode applied, ResourceType type, String manager, boolean force,
                                 Instant now) {
    return apply(live, applied, type, manager, force, null, now);
  }

  /**
   * As {@link #apply(ObjectNode, JsonNode, ResourceType, String, boolean, Instant)} for a configuration a client
   * applied in {@code requestVersion} (a custom kind's served version other than its storage one; null: the
   * configuration's own {@code apiVersion}), which the manager's entry records, as kube's.
   */
  public static ObjectNode apply(ObjectNode live, JsonNode applied, ResourceType type, String manager, boolean force,
                                 String requestVersion, Instant now) {
    return apply(live, applied, type, manager, force, requestVersion, null, now);
  }

  /**
   * As {@link #apply(ObjectNode, JsonNode, ResourceType, String, boolean, String, Instant)} through a subresource
   * (null: the object itself). As kube's reset fields: an apply of {@code status} takes only the configuration's
   * status (and the metadata the kind's status strategy lets through: {@link StatusSubresource}), the rest
   * is dropped without a conflict and not owned; the entry records the subresource, so the manager's applies of
   * the object and of its status are two entries that prune apart, and conflict with each other as two managers.
   * A {@code scale} configuration (its replicas, already at the parent's path) is applied as it is.
   *
   * @throws StatusException 404 for an apply of the status of a missing object (the status has no create)
   */
  public static ObjectNode apply(ObjectNode live, JsonNode applied, ResourceType type, String manager, boolean force,
                                 String requestVersion, String subresource, Instant now) {
    String sub = subresource == null || subresource.isEmpty() ? null : subresource;
    boolean statusApply = "status".equals(sub);
    if (manager == null || manager.isEmpty()) {
      throw fieldManagerRequired();
    }
    if (!(applied instanceof ObjectNode cfg)) {
      throw StatusException.badRequest("the applied configuration must be an object");
    }
    checkNoManagedFields(cfg);
    String apiVersion = requestVersion != null ? requestVersion : cfg.path("apiVersion").asText(type.apiVersion());
    if (!cfg.path("kind").asText(type.kind()).equals(type.kind())) {
      // kube's versionCheckManager (the REST layer checks the version too, against the URL's)
      throw StatusException.badRequest("invalid object type: " + groupVersionKind(cfg));
    }
    if (statusApply) {
      if (live == null) {
        throw StatusException.notFound(type, cfg.path("metadata").path("name").asText(""));
      }
      cfg = statusOnly(cfg, type);
    }
    boolean lastApplied = manager.equals(LastApplied.MANAGER) && sub == null;
    PatchSchema schema = PatchSchema.forKind(type.group(), type.kind());
    ObjectNode base = live == null ? Json.object() : live.deepCopy();
    List<ManagedFields.Entry> entries = ManagedFields.read(base);
    ManagedFields.Entry mine = ManagedFields.find(entries, manager, "Apply", sub);
    FieldSet appliedSet = Paths.fieldsOf(cfg, schema, statusApply);

    Map<ManagedFields.Entry, List<List<String>>> conflicts = conflicts(base, cfg, appliedSet, entries, mine);
    if (!conflicts.isEmpty() && !force) {
      Map<ManagedFields.Entry, List<List<String>>> remaining = lastApplied
          ? notLastApplied(conflicts, base, apiVersion, schema) : conflicts;
      if (!remaining.isEmpty()) {
        throw conflict(remaining);
      }
    }
    conflicts.forEach((owner, paths) -> paths.forEach(p -> owner.fields().remove(p)));

    ObjectNode result = base.deepCopy();
    ApplyMerge.merge(result, cfg, schema, statusApply);
    if (mine != null) {
      removeDropped(result, mine.fields(), appliedSet, entries, mine);
    }
    if (live == null) {
      result.put("apiVersion", type.apiVersion()).put("kind", type.kind());
      ObjectNode meta = Json.metadata(result);
      JsonNode cfgMeta = cfg.path("metadata");
      for (String f : new String[] {"name", "namespace", "generateName"}) {
        if (cfgMeta.has(f)) {
          meta.set(f, cfgMeta.get(f));
        }
      }
    }
    // as kube's managedFieldsUpdater: the applier's time moves only when the apply changed the object (an
    // apply that changes nothing keeps it, or leaves a new co-owner's entry without one)
    String time = live == null || !Json.sameValue(result, base) ? ManagedFields.time(now)
        : mine != null ? mine.time() : null;
    ManagedFields.Entry updated = new ManagedFields.Entry(manager, "Apply", apiVersion, time, appliedSet, sub);
    List<ManagedFields.Entry> out = new ArrayList<>();
    boolean placed = false;
    for (ManagedFields.Entry e : entries) {
      if (e == mine) {
        out.add(updated);
        placed = true;
      } else if (!e.fields().isEmpty()) {
        out.add(e);
      }
    }
    if (!placed) {
      out.add(updated);
    }
    ManagedFields.write(result, out);
    if (lastApplied && LastApplied.present(result)) {
      // after the ownership is recorded, as kube's lastAppliedUpdater: the annotation keeps its owner
      Json.child(Json.metadata(result), "annotations").put(LastApplied.ANNOTATION, LastApplied.of(cfg));
    }
    return result;
  }

  /**
   * What an apply of the status takes from a configuration: its identity, its status and the metadata fields the
   * kind's status writes take (kube's status strategies reset everything else).
   */
  private static ObjectNode statusOnly(ObjectNode cfg, ResourceType type) {
    ObjectNode out = Json.object();
    for (String f : new String[] {"apiVersion", "kind"}) {
      if (cfg.has(f)) {
        out.set(f, cfg.get(f));
      }
    }
    JsonNode meta = cfg.path("metadata");
    ObjectNode m = out.putObject("metadata");
    for (String f : new String[] {"name", "namespace"}) {
      if (meta.has(f)) {
        m.set(f, meta.get(f));
      }
    }
    for (String f : StatusSubresource.appliedMetadata(type)) {
      if (meta.has(f)) {
        m.set(f, meta.get(f));
      }
    }
    if (cfg.has("status")) {
      out.set("status", cfg.get("status"));
    }
    return out;
  }

  /** {@link #apply} at the current time. */
  public static ObjectNode apply(ObjectNode live, JsonNode applied, ResourceType type, String manager, boolean force) {
    return apply(live, applied, type, manager, force, Instant.now());
  }

  /**
   * Records an ordinary write (create, update, non-apply patch) by {@code manager}: it owns every field
   * it set or changed, other managers lose those fields, and fields gone from the object are forgotten.
   *
   * @param old the object before the write, null on create
   * @return a copy of {@code updated} with managedFields set
   */
  public static ObjectNode trackUpdate(ObjectNode old, ObjectNode updated, ResourceType type, String manager,
                                       Instant now) {
    return trackUpdate(old, updated, type, manager, null, now);
  }

  /**
   * As {@link #trackUpdate(ObjectNode, ObjectNode, ResourceType, String, Instant)} for a write through a
   * subresource ({@code status}, {@code scale}): the entry records the subresource.
   */
  public static ObjectNode trackUpdate(ObjectNode old, ObjectNode updated, ResourceType type, String manager,
                                       String subresource, Instant now) {
    return trackUpdate(old, updated, type, manager, subresource, type.apiVersion(), now);
  }

  /**
   * As {@link #trackUpdate(ObjectNode, ObjectNode, ResourceType, String, String, Instant)} for a write in
   * {@code apiVersion} (a custom kind's served version other than its storage one), which the entry records.
   */
  public static ObjectNode trackUpdate(ObjectNode old, ObjectNode updated, ResourceType type, String manager,
                                       String subresource, String apiVersion, Instant now) {
    ObjectNode result = updated.deepCopy();
    if (manager == null || manager.isEmpty()) {
      return result;
    }
    PatchSchema schema = PatchSchema.forKind(type.group(), type.kind());
    // as kube's field manager: managedFields the write itself sets (not through a subresource) replace the
    // object's, which is how a client resets them ([{}]: one empty entry, which no one then owns); none or
    // an empty list keeps the live ones, so clients that do not know the field cannot drop it
    List<ManagedFields.Entry> sent = subresource == null || subresource.isEmpty() ? ManagedFields.read(result)
        : List.of();
    List<ManagedFields.Entry> entries = !sent.isEmpty() || old == null ? sent : ManagedFields.read(old);
    // as kube's reset fields: a write through the status subresource owns what it changed but the spec (the
    // status, and the metadata the kind's status strategy lets through), a write of the
    // resource what it changed but the status when the kind has that subresource; every field still in the
    // object stays with its owners
    boolean statusWrite = "status".equals(subresource);
    boolean statusApart = statusWrite || type.hasSubresource("status");
    FieldSet newSet = Paths.fieldsOf(result, schema, true);
    FieldSet changed = new FieldSet();
    Map<String, Boolean> sameTop = new HashMap<>(); // a top-level field the write left as it was has no changed path
    for (List<String> p : newSet.paths()) {
      String top = p.get(0);
      if (statusApart && top.equals(statusWrite ? "f:spec" : "f:status")
          || old != null && sameTop.computeIfAbsent(top, t -> sameField(old, result, t.substring(2)))) {
        continue;
      }
      JsonNode before = old == null ? null : Paths.valueAt(old, p);
      JsonNode after = Paths.valueAt(result, p);
      boolean leaf = !newSet.hasChildren(p);
      if (before == null || (leaf && !before.equals(after))) {
        changed.insert(p);
      }
    }
    ManagedFields.Entry mine = ManagedFields.find(entries, manager, "Update", subresource);
    List<ManagedFields.Entry> out = new ArrayList<>();
    for (ManagedFields.Entry e : entries) {
      if (e == mine) {
        continue;
      }
      changed.paths().forEach(p -> e.fields().remove(p));
      prune(e.fields(), newSet);
      if (!e.fields().isEmpty()) {
        out.add(e);
      }
    }
    FieldSet mineSet = mine == null ? new FieldSet() : mine.fields().copy();
    changed.paths().forEach(mineSet::insert);
    prune(mineSet, newSet);
    if (!mineSet.isEmpty()) {
      // the time moves when this write changed a field (kube: when the manager took any), not only when its set grew
      boolean same = mine != null && changed.isEmpty();
      out.add(new ManagedFields.Entry(manager, "Update", apiVersion, same ? mine.time() : ManagedFields.time(now),
          mineSet, subresource));
    }
    ManagedFields.write(result, out);
    return result;
  }

  private static boolean sameField(ObjectNode old, ObjectNode now, String field) {
    JsonNode before = old.get(field);
    return before != null && before.equals(now.get(field));
  }

  private static void prune(FieldSet set, FieldSet present) {
    for (List<String> p : set.paths()) {
      if (!present.contains(p)) {
        set.remove(p);
      }
    }
  }

  private static Map<ManagedFields.Entry, List<List<String>>> conflicts(ObjectNode live, ObjectNode cfg,
      FieldSet appliedSet, List<ManagedFields.Entry> entries, ManagedFields.Entry mine) {
    Map<ManagedFields.Entry, List<List<String>>> out = new LinkedHashMap<>();
    for (List<String> p : appliedSet.paths()) {
      if (appliedSet.hasChildren(p)) {
        continue;
      }
      JsonNode current = Paths.valueAt(live, p);
      if (current == null || current.equals(Paths.valueAt(cfg, p))) {
        continue;
      }
      for (ManagedFields.Entry e : entries) {
        if (e != mine && e.fields().contains(p)) {
          out.computeIfAbsent(e, k -> new ArrayList<>()).add(p);
        }
      }
    }
    return out;
  }

  /**
   * The conflicts the live object's last-applied annotation does not explain: kubectl's upgrade from
   * client-side to server-side apply takes the fields it applied before without a conflict (when
   * every conflict is explained the apply is forced), the rest still conflict.
   */
  private static Map<ManagedFields.Entry, List<List<String>>> notLastApplied(
      Map<ManagedFields.Entry, List<List<String>>> conflicts, ObjectNode live, String apiVersion, PatchSchema schema) {
    Predicate<List<String>> explained = LastApplied.explained(live, apiVersion, schema);
    Map<ManagedFields.Entry, List<List<String>>> out = new LinkedHashMap<>();
    conflicts.forEach((owner, paths) -> paths.stream()
        .filter(explained.negate())
        .forEach(p -> out.computeIfAbsent(owner, k -> new ArrayList<>()).add(p)));
    return out;
  }

  /**
   * Removes what this manager applied before and applies no more, as kube's apply prunes: the value
   * goes, except what other managers own below it (a label another manager set stays when the applier
   * drops its own labels), with the keys of the list elements that hold it.
   */
  private static void removeDropped(ObjectNode result, FieldSet before, FieldSet now,
                                    List<ManagedFields.Entry> entries, ManagedFields.Entry mine) {
    FieldSet others = new FieldSet();
    entries.stream().filter(e -> e != mine).forEach(e -> others.addAll(e.fields()));
    List<List<String>> dropped = new ArrayList<>();
    for (List<String> p : before.paths()) {
      if (!now.contains(p) && !others.contains(p)) {
        dropped.add(p);
      }
    }
    FieldSet droppedSet = new FieldSet();
    dropped.forEach(droppedSet::insert);
    for (int i = dropped.size() - 1; i >= 0; i--) {
      List<String> p = dropped.get(i);
      if (droppedAbove(droppedSet, p)) {
        continue; // the dropped ancestor's value goes (or is kept in part) as a whole
      }
      FieldSet kept = others.at(p);
      JsonNode value = Paths.valueAt(result, p);
      if (kept == null || kept.isEmpty()) {
        Paths.removeAt(result, p);
      } else if (value != null) {
        keepOnly(value, withKeyFields(kept, p.get(p.size() - 1)));
      }
    }
  }

  private static boolean droppedAbove(FieldSet dropped, List<String> path) {
    for (int n = 1; n < path.size(); n++) {
      if (dropped.contains(path.subList(0, n))) {
        return true;
      }
    }
    return false;
  }

  /** A copy of {@code kept} that also holds the key fields of the list element {@code element} names. */
  private static FieldSet withKeyFields(FieldSet kept, String element) {
    FieldSet out = kept.copy();
    Paths.keyFields(element).forEach(k -> out.insert(List.of("f:" + k)));
    return out;
  }

  /** Removes from {@code value} what is not on a path of {@code kept} (members stay whole). */
  private static void keepOnly(JsonNode value, FieldSet kept) {
    if (value instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        FieldSet child = kept.children().get("f:" + n);
        if (child == null) {
          o.remove(n);
        } else if (!child.children().isEmpty()) {
          keepOnly(o.get(n), child);
        }
      }
    } else if (value instanceof ArrayNode a) {
      for (int i = a.size() - 1; i >= 0; i--) {
        JsonNode el = a.get(i);
        var match = kept.children().entrySet().stream().filter(c -> Paths.isElement(el, c.getKey())).findFirst();
        if (match.isEmpty()) {
          a.remove(i);
        } else if (!match.get().getValue().children().isEmpty()) {
          keepOnly(el, withKeyFields(match.get().getValue(), match.get().getKey()));
        }
      }
    }
  }

  private static StatusException conflict(Map<ManagedFields.Entry, List<List<String>>> conflicts) {
    ObjectNode details = Json.object();
    ArrayNode causes = details.putArray("causes");
    int count = 0;
    List<String> lines = new ArrayList<>();
    String single = null;
    // kube lists the managers sorted by their identifier, {"manager":..,"operation":..,"apiVersion":..}
    List<Map.Entry<ManagedFields.Entry, List<List<String>>>> byManager = new ArrayList<>(conflicts.entrySet());
    byManager.sort(java.util.Comparator.comparing(e -> e.getKey().identifier()));
    for (var e : byManager) {
      String who = e.getKey().describe();
      lines.add("conflicts with " + who + ":");
      for (List<String> p : e.getValue()) {
        count++;
        String path = FieldSet.render(p);
        lines.add("- " + path);
        single = "conflict with " + who + ": " + path;
        causes.addObject().put("reason", "FieldManagerConflict").put("message", "conflict with " + who)
            .put("field", path);
      }
    }
    String message = count == 1 ? "Apply failed with 1 conflict: " + single
        : "Apply failed with " + count + " conflicts: " + String.join("\n", lines);
    return new StatusException(409, "Conflict", message, details);
  }

  /**
   * kube's refusal of an apply configuration that carries managedFields.
   *
   * @throws StatusException 400 {@code metadata.managedFields must be nil}
   */
  public static void checkNoManagedFields(JsonNode cfg) {
    JsonNode sentFields = cfg.path("metadata").get("managedFields");
    if (sentFields != null && !sentFields.isNull() && !(sentFields.isArray() && sentFields.isEmpty())) {
      // kube refuses an empty list too; dekube lets it pass, as typed clients serialize an unset list as []
      throw StatusException.badRequest("metadata.managedFields must be nil");
    }
  }

  /**
   * kube's first check of an apply configuration (its field manager's {@code versionCheckManager}): it must be of the
   * endpoint's group, version and kind, else {@code invalid object type: apps/v1beta1, Kind=Deployment}.
   *
   * @param apiVersion the endpoint's {@code apiVersion}
   * @param kind       the endpoint's kind
   * @throws StatusException 400 BadRequest
   */
  public static void checkType(JsonNode cfg, String apiVersion, String kind) {
    String gvk = groupVersionKind(cfg);
    if (!gvk.equals(groupVersionKind(apiVersion, kind))) {
      throw StatusException.badRequest("invalid object type: " + gvk);
    }
  }

  /**
   * The configuration's type as kube reads it from unstructured content and Go prints a {@code GroupVersionKind}
   * ({@code /v1, Kind=Pod}); a missing or non-string field is empty, and an apiVersion Go cannot parse (two slashes)
   * makes the whole type empty.
   */
  static String groupVersionKind(JsonNode cfg) {
    JsonNode v = cfg.get("apiVersion");
    JsonNode k = cfg.get("kind");
    String apiVersion = v != null && v.isTextual() ? v.asText() : "";
    String kind = k != null && k.isTextual() ? k.asText() : "";
    if (apiVersion.chars().filter(c -> c == '/').count() > 1) {
      return groupVersionKind("", "");
    }
    return groupVersionKind(apiVersion, kind);
  }

  private static String groupVersionKind(String apiVersion, String kind) {
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    return group + "/" + version + ", Kind=" + kind;
  }

  private static StatusException fieldManagerRequired() {
    ObjectNode details = Json.object().put("group", "meta.k8s.io").put("kind", "PatchOptions");
    details.putArray("causes").addObject().put("reason", "FieldValueRequired")
        .put("message", "Required value: is required for apply patch").put("field", "fieldManager");
    return new StatusException(422, "Invalid",
        "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch", details);
  }
}
