package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import io.dekube.core.quota.ResourceLists;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * LimitRange objects: kube's defaults for {@code type: Container} items (a missing {@code default}
 * is the {@code max}, a missing {@code defaultRequest} the {@code default}, else the {@code min})
 * and kube's validation with its 422 wording: a known type, once per LimitRange; no defaults on Pod
 * items; a PersistentVolumeClaim item needs a min or max storage; min ≤ defaultRequest ≤ default ≤
 * max, min ≤ max, maxLimitRequestRatio ≥ 1 and ≤ max/min.
 */
final class LimitRangeAdmission implements KindAdmission {

  private static final List<String> TYPES = List.of("Container", "Pod", "PersistentVolumeClaim");

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    CanonicalQuantities.limitRange(obj.path("spec"));
    for (ObjectNode item : Nodes.objects(obj.path("spec"), "limits")) {
      if (!item.path("type").asText("").equals("Container")) {
        continue;
      }
      ObjectNode def = Nodes.obj(item, "default");
      ObjectNode defReq = Nodes.obj(item, "defaultRequest");
      copyMissing(item.path("max"), def);
      copyMissing(def, defReq);
      copyMissing(item.path("min"), defReq);
      if (def.isEmpty()) {
        item.remove("default");
      }
      if (defReq.isEmpty()) {
        item.remove("defaultRequest");
      }
    }
  }

  private static void copyMissing(JsonNode from, ObjectNode to) {
    from.fields().forEachRemaining(e -> {
      if (!to.has(e.getKey())) {
        to.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    TreeSet<String> seen = new TreeSet<>();
    int i = 0;
    for (JsonNode item : obj.path("spec").path("limits")) {
      String path = "spec.limits[" + i++ + "]";
      String type = item.path("type").asText("");
      if (type.isEmpty()) {
        errs.required(path + ".type");
      } else if (!TYPES.contains(type) && !type.contains("/")) {
        errs.invalid(path + ".type", type, "must be a standard limit type or fully qualified");
      }
      if (!seen.add(type)) {
        errs.duplicate(path + ".type", item.path("type"));
      }
      if (type.equals("Pod")) {
        if (item.path("default").size() > 0) {
          errs.forbidden(path + ".default", "may not be specified when `type` is 'Pod'");
        }
        if (item.path("defaultRequest").size() > 0) {
          errs.forbidden(path + ".defaultRequest", "may not be specified when `type` is 'Pod'");
        }
      }
      if (type.equals("PersistentVolumeClaim") && !item.path("min").has("storage") && !item.path("max").has("storage")) {
        errs.required(path + ".limits", "either minimum or maximum storage value is required, but neither was provided");
      }
      compare(path, item, errs);
    }
  }

  private static void compare(String path, JsonNode item, FieldErrors errs) {
    Map<String, Amount> min = ResourceLists.of(item.path("min"));
    Map<String, Amount> max = ResourceLists.of(item.path("max"));
    Map<String, Amount> def = ResourceLists.of(item.path("default"));
    Map<String, Amount> defReq = ResourceLists.of(item.path("defaultRequest"));
    Map<String, Amount> ratio = ResourceLists.of(item.path("maxLimitRequestRatio"));
    TreeSet<String> keys = new TreeSet<>();
    List.of(min, max, def, defReq, ratio).forEach(m -> keys.addAll(m.keySet()));
    for (String k : keys) {
      Amount mn = min.get(k);
      Amount mx = max.get(k);
      Amount d = def.get(k);
      Amount dr = defReq.get(k);
      Amount r = ratio.get(k);
      if (mn != null && mx != null && mn.compareTo(mx) > 0) {
        errs.invalid(path + ".min[" + k + "]", mn.toString(), "min value " + mn + " is greater than max value " + mx);
      }
      if (dr != null && mn != null && mn.compareTo(dr) > 0) {
        errs.invalid(path + ".defaultRequest[" + k + "]", dr.toString(),
            "min value " + mn + " is greater than default request value " + dr);
      }
      if (dr != null && mx != null && dr.compareTo(mx) > 0) {
        errs.invalid(path + ".defaultRequest[" + k + "]", dr.toString(),
            "default request value " + dr + " is greater than max value " + mx);
      }
      if (dr != null && d != null && dr.compareTo(d) > 0) {
        errs.invalid(path + ".defaultRequest[" + k + "]", dr.toString(),
            "default request value " + dr + " is greater than default limit value " + d);
      }
      if (d != null && mn != null && mn.compareTo(d) > 0) {
        errs.invalid(path + ".default[" + k + "]", mn.toString(), "min value " + mn + " is greater than default value " + d);
      }
      if (d != null && mx != null && d.compareTo(mx) > 0) {
        errs.invalid(path + ".default[" + k + "]", mx.toString(), "default value " + d + " is greater than max value " + mx);
      }
      if (r != null && r.compareTo(Amount.of(1)) < 0) {
        errs.invalid(path + ".maxLimitRequestRatio[" + k + "]", r.toString(), "ratio " + r + " is less than 1");
      }
      if (r != null && mn != null && mx != null && mn.milli() > 0) {
        double limit = (double) mx.milli() / mn.milli();
        if (r.milli() / 1000.0 > limit) {
          errs.invalid(path + ".maxLimitRequestRatio[" + k + "]", r.toString(),
              "ratio " + r + " is greater than max/min = " + String.format(Locale.ROOT, "%f", limit));
        }
      }
    }
  }

}
