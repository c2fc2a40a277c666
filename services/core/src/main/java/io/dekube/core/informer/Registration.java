package io.dekube.core.informer;

import io.dekube.core.model.ObjectKey;
import io.vertx.core.Context;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handler or watch of an informer: where its events go and on which context. The informer
 * calls {@link #deliver} from its own context; delivery runs on the registration's context.
 */
final class Registration implements HandlerRegistration {

  private static final Logger LOG = LoggerFactory.getLogger(Registration.class);

  private final String resource;
  private final Context context;
  private final Consumer<InformerStore.Change> handler;
  private final long afterRv;
  private final Consumer<Registration> onRemove;
  private volatile boolean active = true;

  Registration(String resource, Context context, Consumer<InformerStore.Change> handler, long afterRv,
               Consumer<Registration> onRemove) {
    this.resource = resource;
    this.context = context;
    this.handler = handler;
    this.afterRv = afterRv;
    this.onRemove = onRemove;
  }

  /** Delivers changes in order on the registration's context, skipping those at or before {@code afterRv}. */
  void deliver(List<InformerStore.Change> changes) {
    if (changes.isEmpty() || !active) {
      return;
    }
    context.runOnContext(v -> {
      for (InformerStore.Change c : changes) {
        if (!active) {
          return;
        }
        if (c.event().rv() > afterRv) {
          try {
            handler.accept(c);
          } catch (RuntimeException e) {
            LOG.error("informer {}: handler failed on {} {} (rv {})", resource, c.event().type(),
                ObjectKey.of(c.event().object()), c.event().rv(), e);
          }
        }
      }
    });
  }

  @Override
  public void remove() {
    if (active) {
      active = false;
      onRemove.accept(this);
    }
  }
}
