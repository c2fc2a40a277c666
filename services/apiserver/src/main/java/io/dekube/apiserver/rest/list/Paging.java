package io.dekube.apiserver.rest.list;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ObjectKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts a list into pages the way kube-apiserver does: items in store-key order
 * ({@code <namespace>/<name>}, cluster-scoped {@code /<name>}), {@code limit} items per page, a
 * {@link ContinueToken} when more remain, and {@code remainingItemCount} when the list has no
 * selectors. Pure.
 */
public final class Paging {

  /** Orders objects by store key, which is etcd's key order too. */
  public static final Comparator<ObjectNode> BY_KEY = Comparator.comparing(Paging::key);

  /**
   * One page.
   *
   * @param items         the page's items
   * @param continueToken the token for the next page, or null when this is the last
   * @param remaining     how many items follow this page, or null when not reported
   */
  public record Page(List<ObjectNode> items, String continueToken, Long remaining) {
  }

  private Paging() {
  }

  /** The store key of an object. */
  public static String key(ObjectNode o) {
    return ObjectKey.of(o).toString();
  }

  /**
   * A page of {@code items}.
   *
   * @param items           the matching items, any order (sorted here)
   * @param resourceVersion the list's resource version, carried in the continue token
   * @param start           the first key to include, or null for the first page
   * @param limit           the page size, 0 or less for everything
   * @param countRemaining  whether to report {@code remainingItemCount} (kube does only without selectors)
   */
  public static Page page(List<ObjectNode> items, long resourceVersion, String start, long limit,
                          boolean countRemaining) {
    List<ObjectNode> sorted = new ArrayList<>(items);
    sorted.sort(BY_KEY);
    int from = 0;
    if (start != null) {
      while (from < sorted.size() && key(sorted.get(from)).compareTo(start) < 0) {
        from++;
      }
    }
    int to = limit > 0 ? (int) Math.min(sorted.size(), from + limit) : sorted.size();
    List<ObjectNode> page = List.copyOf(sorted.subList(from, to));
    if (to >= sorted.size() || page.isEmpty()) {
      return new Page(page, null, null);
    }
    String token = ContinueToken.after(resourceVersion, key(page.get(page.size() - 1))).encode();
    return new Page(page, token, countRemaining ? (long) (sorted.size() - to) : null);
  }
}
