package io.dekube.core.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ResourceRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link ResourceRegistry} serving exactly the established CustomResourceDefinitions of the
 * store, driven by the informer on {@code customresourcedefinitions}: every apiserver and every
 * writer, in whatever process, learns of CRDs this way (not from the create call), including after a
 * restart (the informer replays the store). A CRD serves its kind once {@code Established=True} and
 * until its tombstone. Events run on the informer handler's context.
 */
public final class CustomKindSync implements InformerHandler {

  private static final Logger LOG = LoggerFactory.getLogger(CustomKindSync.class);

  private final ResourceRegistry registry;

  private CustomKindSync(ResourceRegistry registry) {
    this.registry = registry;
  }

  /** Starts following {@code crds} (the informer of customresourcedefinitions, started or not). */
  public static HandlerRegistration follow(Informer crds, ResourceRegistry registry) {
    return crds.addHandler(new CustomKindSync(registry));
  }

  @Override
  public void onAdd(ObjectNode crd) {
    apply(crd);
  }

  @Override
  public void onUpdate(ObjectNode oldObject, ObjectNode crd) {
    apply(crd);
  }

  @Override
  public void onDelete(ObjectNode last, long rv) {
    String name = CrdParser.resourceName(last);
    if (registry.custom(name).isPresent()) {
      registry.stopServing(name);
      LOG.info("stopped serving {} (CRD deleted, rv {})", name, rv);
    }
  }

  private void apply(ObjectNode crd) {
    if (!CrdParser.established(crd)) {
      return;
    }
    try {
      boolean known = registry.custom(CrdParser.resourceName(crd)).isPresent();
      registry.serve(CrdParser.kind(crd));
      if (!known) {
        LOG.info("serving {} (CRD rv {})", CrdParser.resourceName(crd),
            crd.path("metadata").path("resourceVersion").asText());
      }
    } catch (RuntimeException e) {
      LOG.warn("cannot serve CRD {}: {}", crd.path("metadata").path("name").asText(), e.toString());
    }
  }
}
