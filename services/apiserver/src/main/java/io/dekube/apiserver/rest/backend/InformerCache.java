package io.dekube.apiserver.rest.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.EventWindow;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import java.util.function.Predicate;

/** The watch cache of one resource over its shared {@link Informer}. Thread-safe, as the informer. */
public final class InformerCache implements ObjectCache {

  private final Informer informer;

  public InformerCache(Informer informer) {
    this.informer = informer;
  }

  @Override
  public Future<Void> start() {
    return informer.start();
  }

  @Override
  public Future<Void> waitForCurrent() {
    return informer.waitForCurrent();
  }

  @Override
  public Future<Void> waitFor(long rv) {
    return informer.waitFor(rv);
  }

  @Override
  public long resourceVersion() {
    return informer.resourceVersion();
  }

  @Override
  public ObjectNode get(String namespace, String name) {
    return informer.get(namespace, name);
  }

  @Override
  public String unreadable(String namespace, String name) {
    Informer.Unreadable u = informer.unreadable(new io.dekube.core.model.ObjectKey(namespace, name));
    return u == null ? null : u.getMessage();
  }

  @Override
  public String unreadableIn(String namespace) {
    List<Informer.Unreadable> all = informer.unreadable(namespace);
    return all.isEmpty() ? null : all.get(0).listMessage();
  }

  @Override
  public Snapshot snapshot(Predicate<ObjectNode> filter) {
    Informer.Snapshot s = informer.snapshot(filter);
    return new Snapshot(s.resourceVersion(), s.items());
  }

  @Override
  public EventWindow window() {
    return informer.window();
  }

  @Override
  public Future<HandlerRegistration> watch(long afterRv, Handler<InformerEvent> handler) {
    return informer.watch(afterRv, handler);
  }

  @Override
  public Future<HandlerRegistration> watch(long afterRv, Handler<InformerEvent> handler,
                                           Handler<io.dekube.core.model.StatusException> onEnd) {
    return informer.watch(afterRv, handler, onEnd);
  }
}
