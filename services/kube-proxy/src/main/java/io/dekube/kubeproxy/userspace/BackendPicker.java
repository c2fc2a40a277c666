package io.dekube.kubeproxy.userspace;

import io.dekube.core.net.Backend;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks the backend of a new connection: round robin over the ready endpoints, or, with
 * {@code sessionAffinity: ClientIP}, the endpoint this client used last while that is still
 * there and the affinity has not timed out. The endpoint list is replaced as endpoints change;
 * connections already made are not touched. Used on one event loop only (not thread-safe).
 */
final class BackendPicker {

  private record Sticky(Backend backend, long lastUsedMillis) {
  }

  private final Map<String, Sticky> affinity = new HashMap<>();
  private List<Backend> backends = List.of();
  private boolean clientIp;
  private long affinityMillis;
  private int next;

  /** Replaces the endpoints and the affinity settings. */
  void update(List<Backend> ready, boolean clientIpAffinity, int affinitySeconds) {
    this.backends = List.copyOf(ready);
    this.clientIp = clientIpAffinity;
    this.affinityMillis = affinitySeconds * 1000L;
    affinity.values().removeIf(s -> !backends.contains(s.backend()));
    if (!clientIp) {
      affinity.clear();
    }
  }

  /** The backend for a new connection from {@code clientIp}, or null when there is none. */
  Backend pick(String client, long nowMillis) {
    if (backends.isEmpty()) {
      return null;
    }
    if (clientIp) {
      Sticky s = affinity.get(client);
      if (s != null && nowMillis - s.lastUsedMillis() <= affinityMillis && backends.contains(s.backend())) {
        affinity.put(client, new Sticky(s.backend(), nowMillis));
        return s.backend();
      }
    }
    Backend b = backends.get(Math.floorMod(next++, backends.size()));
    if (clientIp) {
      affinity.put(client, new Sticky(b, nowMillis));
    }
    return b;
  }

  /** The backend after {@code failed} in round-robin order (for a retry when a connect fails), or null. */
  Backend another(Backend failed) {
    if (backends.size() < 2) {
      return null;
    }
    int i = backends.indexOf(failed);
    return backends.get(Math.floorMod(i + 1, backends.size()));
  }

  /** How many endpoints there are. */
  int size() {
    return backends.size();
  }
}
