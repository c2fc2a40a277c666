package io.dekube.core.patch.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.patch.smp.PatchMeta;
import io.dekube.core.patch.smp.PatchSchema;

/**
 * Merges an applied configuration into the live object with server-side apply's list semantics:
 * structs and maps merge field by field, map-lists merge element by key (new elements appended), sets
 * merge by value, atomic lists and atomic structs are replaced. Pure on copies: mutates only
 * {@code live}, which the caller owns.
 */
public final class ApplyMerge {

  private ApplyMerge() {
  }

  /** Merges the applied configuration into {@code live} (mutated); status and server fields are skipped. */
  public static void merge(ObjectNode live, ObjectNode applied, PatchSchema schema) {
    merge(live, applied, schema, false);
  }

  /** As {@link #merge(ObjectNode, ObjectNode, PatchSchema)}; {@code withStatus}: the status too (an apply of it). */
  public static void merge(ObjectNode live, ObjectNode applied, PatchSchema schema, boolean withStatus) {
    mergeObject(live, applied, schema, true, withStatus);
  }

  static void mergeObject(ObjectNode live, ObjectNode applied, PatchSchema schema, boolean top) {
    mergeObject(live, applied, schema, top, false);
  }

  private static void mergeObject(ObjectNode live, ObjectNode applied, PatchSchema schema, boolean top,
                                  boolean withStatus) {
    applied.fields().forEachRemaining(e -> {
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (top && k.equals("status") && !withStatus) {
        return;
      }
      if (v == null || v.isNull()) {
        return;
      }
      if (top && k.equals("metadata") && v instanceof ObjectNode meta) {
        ObjectNode m = meta.deepCopy();
        m.remove(Paths.IGNORED_METADATA);
        if (!(live.get("metadata") instanceof ObjectNode)) {
          live.putObject("metadata");
        }
        mergeObject((ObjectNode) live.get("metadata"), m, schema.child("metadata"), false);
        return;
      }
      PatchSchema child = schema.child(k);
      JsonNode current = live.get(k);
      if (v instanceof ObjectNode o) {
        if (child.atomic() || !(current instanceof ObjectNode)) {
          live.set(k, o.deepCopy());
        } else {
          mergeObject((ObjectNode) current, o, child, false);
        }
      } else if (v instanceof ArrayNode a) {
        live.set(k, mergeList(current instanceof ArrayNode c ? c : null, a, schema.meta(k), child));
      } else {
        live.set(k, v.deepCopy());
      }
    });
  }

  private static ArrayNode mergeList(ArrayNode live, ArrayNode applied, PatchMeta meta, PatchSchema child) {
    String type = Paths.listType(meta);
    if (live == null || type.equals("atomic")) {
      return applied.deepCopy();
    }
    ArrayNode out = live.deepCopy();
    if (type.equals("set")) {
      for (JsonNode v : applied) {
        boolean present = false;
        for (JsonNode e : out) {
          present |= e.equals(v);
        }
        if (!present) {
          out.add(v.deepCopy());
        }
      }
      return out;
    }
    for (JsonNode v : applied) {
      if (!(v instanceof ObjectNode o)) {
        continue;
      }
      JsonNode key = Paths.parse(Paths.key(o, meta.mapKeys()));
      ObjectNode match = null;
      for (JsonNode e : out) {
        if (e instanceof ObjectNode eo && Paths.matches(eo, key)) {
          match = eo;
        }
      }
      if (match == null) {
        out.add(o.deepCopy());
      } else {
        mergeObject(match, o, child, false);
      }
    }
    return out;
  }
}
