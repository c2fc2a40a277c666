package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * kube-apiserver's {@code Priority} admission plugin, run by the writer so that every pod create
 * passes it (the apiserver's and the controllers' alike):
 * <ul>
 *   <li>a new pod's {@code spec.priorityClassName} resolves to {@code spec.priority} and
 *   {@code spec.preemptionPolicy} from the class; a pod without one gets the {@code globalDefault}
 *   class (the lowest of them, should there be several) or priority 0; an unknown class is 403
 *   Forbidden; a pod whose own {@code priority} or {@code preemptionPolicy} differs from what the
 *   class gives is 403 Forbidden, worded as kube words it;</li>
 *   <li>a PriorityClass may be {@code globalDefault} only while no other class is.</li>
 * </ul>
 * The classes come from a read-only view (the store's PriorityClass informer), as kube's plugin
 * reads its informer's lister: eventually consistent, so a pod created in the instant after its
 * class is created can still be refused (a retry succeeds), and two globalDefault classes created
 * at the same instant can both pass. Thread-safe; called on the writer's loop thread, never blocks.
 */
public final class PriorityAdmission implements WriteAdmission {

  private final Supplier<List<ObjectNode>> classes;
  private final Function<String, ObjectNode> byName;

  /**
   * @param classes every PriorityClass (the informer's cache)
   * @param byName  one PriorityClass by name, or null
   */
  public PriorityAdmission(Supplier<List<ObjectNode>> classes, Function<String, ObjectNode> byName) {
    this.classes = classes;
    this.byName = byName;
  }

  @Override
  public ObjectNode admit(ResourceType type, Verb verb, ObjectNode obj, ObjectNode old) {
    if (obj == null) {
      return obj;
    }
    if (type.group().isEmpty() && type.kind().equals("Pod") && verb == Verb.CREATE) {
      admitPod(type, obj);
    } else if (type.group().equals("scheduling.k8s.io") && type.kind().equals("PriorityClass")
        && (verb == Verb.CREATE || verb == Verb.UPDATE || verb == Verb.PATCH)) {
      admitClass(type, obj);
    }
    return obj;
  }

  /** The mutating part alone (a new pod's priority), as the webhooks and policies see it and before naming. */
  @Override
  public ObjectNode defaults(ResourceType type, Verb verb, ObjectNode obj, ObjectNode old) {
    if (obj != null && type.group().isEmpty() && type.kind().equals("Pod") && verb == Verb.CREATE) {
      admitPod(type, obj);
    }
    return obj;
  }

  private void admitPod(ResourceType type, ObjectNode pod) {
    ObjectNode spec = pod.get("spec") instanceof ObjectNode s ? s : pod.putObject("spec");
    String className = spec.path("priorityClassName").asText("");
    long priority;
    String policy;
    if (className.isEmpty()) {
      ObjectNode def = globalDefault(null);
      priority = def == null ? 0 : def.path("value").asLong(0);
      policy = def == null ? null : def.path("preemptionPolicy").asText(null);
      if (def != null) {
        spec.put("priorityClassName", def.path("metadata").path("name").asText());
      }
    } else {
      ObjectNode pc = byName.apply(className);
      if (pc == null) {
        throw forbidden(type, pod, "no PriorityClass with name " + className + " was found");
      }
      priority = pc.path("value").asLong(0);
      policy = pc.path("preemptionPolicy").asText(null);
    }
    JsonNode given = spec.get("priority");
    if (given != null && !given.isNull() && given.asLong() != priority) {
      throw forbidden(type, pod, "the integer value of priority (" + given.asLong()
          + ") must not be provided in pod spec; priority admission controller computed " + priority
          + " from the given PriorityClass name");
    }
    spec.put("priority", (int) priority);
    if (policy != null) {
      JsonNode givenPolicy = spec.get("preemptionPolicy");
      if (givenPolicy != null && !givenPolicy.isNull() && !givenPolicy.asText().equals(policy)) {
        throw forbidden(type, pod, "the string value of PreemptionPolicy (" + givenPolicy.asText()
            + ") must not be provided in pod spec; priority admission controller computed " + policy
            + " from the given PriorityClass name");
      }
      spec.put("preemptionPolicy", policy);
    }
  }

  private void admitClass(ResourceType type, ObjectNode pc) {
    if (!pc.path("globalDefault").asBoolean(false)) {
      return;
    }
    String name = pc.path("metadata").path("name").asText("");
    ObjectNode other = globalDefault(name);
    if (other != null) {
      throw forbidden(type, pc, "PriorityClass " + other.path("metadata").path("name").asText()
          + " is already marked as default. Only one default can exist");
    }
  }

  /** The globalDefault class with the lowest value, other than {@code except}; null when none. */
  private ObjectNode globalDefault(String except) {
    ObjectNode best = null;
    for (ObjectNode c : classes.get()) {
      if (!c.path("globalDefault").asBoolean(false)
          || c.path("metadata").path("name").asText().equals(except)) {
        continue;
      }
      if (best == null || c.path("value").asLong() < best.path("value").asLong()) {
        best = c;
      }
    }
    return best;
  }

  /** 403 as kube's admission words it: {@code pods "x" is forbidden: <why>}. */
  public static StatusException forbidden(ResourceType type, ObjectNode obj, String why) {
    return forbidden(type.group(), type.plural(), obj, why);
  }

  /** {@link #forbidden(ResourceType, ObjectNode, String)} of the kind {@code plural.group}. */
  static StatusException forbidden(String group, String plural, ObjectNode obj, String why) {
    String name = obj.path("metadata").path("name").asText("");
    if (name.isEmpty()) {
      name = obj.path("metadata").path("generateName").asText("");
    }
    String qualified = group.isEmpty() ? plural : plural + "." + group;
    ObjectNode details = Json.object().put("name", name);
    if (!group.isEmpty()) {
      details.put("group", group);
    }
    details.put("kind", plural);
    return new StatusException(403, "Forbidden", qualified + " \"" + name + "\" is forbidden: " + why, details);
  }
}
