package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.InformerHandler;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads CEL once a process holds something that needs it, not before: a CRD with
 * {@code x-kubernetes-validations}, a ValidatingAdmissionPolicy, a webhook with {@code matchConditions}.
 * A cluster that uses none never loads it (its classes and their compiled code are ~12 MB of a
 * process's memory, and ~0.3 s of CPU at every start). The informers of those kinds call
 * {@link #onObjects} handlers, so after a restart CEL loads while the caches replay, before the first
 * request that compiles or evaluates an expression. The one pause left: the first such object created
 * in a process's life is compiled (to validate it) while CEL loads, which holds that thread ~0.3 s
 * (seconds in a JVM without the class archive). Deliberately free of CEL's own classes, so that
 * calling it loads nothing.
 */
public final class CelLoader {

  private static final Logger LOG = LoggerFactory.getLogger(CelLoader.class);
  private static final AtomicBoolean STARTED = new AtomicBoolean();

  private CelLoader() {
  }

  /** Starts loading CEL on a thread of its own, the first time only; returns at once. Any thread. */
  public static void loadInBackground() {
    if (!STARTED.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      long t0 = System.nanoTime();
      try {
        CelEngine.warmUp();
        LOG.info("CEL loaded in {} ms", (System.nanoTime() - t0) / 1_000_000);
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("CEL did not load: {}", e.toString());
      }
    }, "dekube-cel-loader");
    t.setDaemon(true);
    t.start();
  }

  /** An informer handler that starts {@link #loadInBackground} at the first object {@code needsCel} accepts. */
  public static InformerHandler onObjects(Predicate<ObjectNode> needsCel) {
    return onObjects(needsCel, CelLoader::loadInBackground);
  }

  static InformerHandler onObjects(Predicate<ObjectNode> needsCel, Runnable load) {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        check(object);
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        check(newObject);
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
      }

      private void check(ObjectNode o) {
        if (!STARTED.get() && needsCel.test(o)) {
          load.run();
        }
      }
    };
  }

  /** Whether a CustomResourceDefinition's schemas hold CEL rules. */
  public static boolean hasValidationRules(ObjectNode crd) {
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (holdsRules(v.path("schema").path("openAPIV3Schema"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean holdsRules(JsonNode schema) {
    if (schema.has("x-kubernetes-validations")) {
      return true;
    }
    for (JsonNode child : schema) {
      if (child.isContainerNode() && holdsRules(child)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a Validating- or MutatingWebhookConfiguration has a webhook with {@code matchConditions}. */
  public static boolean hasMatchConditions(ObjectNode configuration) {
    for (JsonNode hook : configuration.path("webhooks")) {
      if (!hook.path("matchConditions").isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
