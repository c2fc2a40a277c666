package io.dekube.apiserver.rest;

import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.function.Function;

/**
 * The query of a list or watch ({@code metav1.ListOptions}), validated as kube-apiserver does.
 * Immutable.
 *
 * @param labelSelector        the label selector text, "" for everything
 * @param fieldSelector        the field selector text, "" for everything
 * @param limit                page size, 0 for no limit
 * @param continueToken        the continue token, "" for the first page
 * @param resourceVersion      the resourceVersion parameter, "" when absent
 * @param resourceVersionMatch "", {@code NotOlderThan} or {@code Exact}
 * @param watch                whether this is a watch ({@code watch=true} or the {@code /watch/} prefix)
 * @param allowWatchBookmarks  whether to send BOOKMARK events
 * @param timeoutSeconds       watch timeout, null for the server default
 * @param sendInitialEvents    watch-list: send the current state first and mark its end, null when absent
 */
public record ListOptions(String labelSelector, String fieldSelector, long limit, String continueToken,
                          String resourceVersion, String resourceVersionMatch, boolean watch,
                          boolean allowWatchBookmarks, Long timeoutSeconds, Boolean sendInitialEvents) {

  public static final String NOT_OLDER_THAN = "NotOlderThan";
  public static final String EXACT = "Exact";

  /**
   * Reads and validates the query.
   *
   * @param query       the query parameter lookup (null when absent)
   * @param watchPrefix whether the path used the legacy {@code /watch/} prefix
   * @throws StatusException 400 for unreadable values, 422 Invalid for forbidden combinations
   */
  public static ListOptions parse(Function<String, String> query, boolean watchPrefix) {
    Params p = new Params(query);
    Long limit = p.optionalLong("limit");
    ListOptions o = new ListOptions(p.text("labelSelector"), p.text("fieldSelector"),
        limit == null || limit < 0 ? 0 : limit, p.text("continue"), p.text("resourceVersion"),
        p.text("resourceVersionMatch"), watchPrefix || p.bool("watch", false), p.bool("allowWatchBookmarks", false),
        p.optionalLong("timeoutSeconds"), p.optionalBool("sendInitialEvents"));
    o.validate();
    return o;
  }

  private void validate() {
    Invalid errs = new Invalid("meta.k8s.io", "ListOptions");
    String match = resourceVersionMatch;
    if (watch) {
      if (sendInitialEvents != null && !match.equals(NOT_OLDER_THAN)) {
        errs.forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
      }
      if (!match.isEmpty()) {
        if (sendInitialEvents == null) {
          errs.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided");
        }
        if (!match.equals(NOT_OLDER_THAN)) {
          errs.notSupported("resourceVersionMatch", match, List.of(NOT_OLDER_THAN));
        }
        if (!continueToken.isEmpty()) {
          errs.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided");
        }
      }
    } else {
      if (!match.isEmpty()) {
        if (resourceVersion.isEmpty()) {
          errs.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided");
        }
        if (!continueToken.isEmpty()) {
          errs.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided");
        }
        if (!match.equals(EXACT) && !match.equals(NOT_OLDER_THAN)) {
          errs.notSupported("resourceVersionMatch", match, List.of(EXACT, NOT_OLDER_THAN, ""));
        }
        if (match.equals(EXACT) && resourceVersion.equals("0")) {
          errs.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
        }
      }
      if (sendInitialEvents != null) {
        errs.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list");
      }
    }
    errs.throwIfAny();
    parseResourceVersion(resourceVersion);
  }

  /**
   * The resource version as a number, -1 when absent.
   *
   * @throws StatusException 400 BadRequest when not a non-negative integer
   */
  public static long parseResourceVersion(String rv) {
    if (rv == null || rv.isEmpty()) {
      return -1;
    }
    try {
      long v = Long.parseLong(rv);
      if (v >= 0) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw StatusException.badRequest("invalid resource version \"" + rv + "\": must be a non-negative integer");
  }

  /** The resource version as a number, -1 when absent. */
  public long rv() {
    return parseResourceVersion(resourceVersion);
  }

  /** Whether any selector restricts the list. */
  public boolean hasSelectors() {
    return !labelSelector.isEmpty() || !fieldSelector.isEmpty();
  }
}
