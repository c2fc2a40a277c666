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
  private final io.vertx.core.Handler<io.dekube.core.model.StatusException> onEnd;
  private volatile boolean active = true;

  /** A handler's registration (it never ends by itself). */
  Registration(String resource, Context context, Consumer<InformerStore.Change> handler, long afterRv,
               Consumer<Registration> onRemove) {
    this(resource, context, handler, afterRv, onRemove, null);
  }

  /** A watch's registration: {@code onEnd} is told when the informer ends it. */
  Registration(String resource, Context context, Consumer<InformerStore.Change> handler, long afterRv,
               Consumer<Registration> onRemove, io.vertx.core.Handler<io.dekube.core.model.StatusException> onEnd) {
    this.resource = resource;
    this.context = context;
    this.handler = handler;
    this.afterRv = afterRv;
    this.onRemove = onRemove;
    this.onEnd = onEnd;
  }

  /** Whether this is a watch (which ends when the informer re-lists) rather than a handler. */
  boolean isWatch() {
    return onEnd != null;
  }

  /** Ends a watch: no more events; {@code onEnd} runs on its context after those already queued. */
  void end(io.dekube.core.model.StatusException why) {
    context.runOnContext(v -> {
      if (active) {
        active = false;
        onEnd.handle(why);
      }
    });
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
