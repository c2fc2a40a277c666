package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The ServiceAccounts the ServiceAccount admission reads, as kube's plugin reads its lister and, on a
 * miss, the API: {@link #cached} first, and {@link #current} only when the cache does not have the
 * account, so that an account created a moment ago is not taken for a missing one.
 */
@FunctionalInterface
public interface ServiceAccountView {

  /** The account as last seen (an informer's cache), or null. */
  JsonNode cached(String namespace, String name);

  /**
   * The account as the store holds it now (a consistent read), or null when there is none; called
   * after a miss of {@link #cached}. The default reads the cache again.
   *
   * @throws RuntimeException when the store cannot be read (the pod is refused with its message)
   */
  default JsonNode current(String namespace, String name) {
    return cached(namespace, name);
  }
}
