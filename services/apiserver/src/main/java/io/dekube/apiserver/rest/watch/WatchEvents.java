package io.dekube.apiserver.rest.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;

/**
 * The lines of a watch stream: {@code {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR","object":{...}}}
 * ({@code metav1.WatchEvent}). Pure.
 */
public final class WatchEvents {

  /** The annotation a watch-list bookmark carries to mark the end of the initial events. */
  public static final String INITIAL_EVENTS_END = "k8s.io/initial-events-end";

  private WatchEvents() {
  }

  /** An event of a type with an object. */
  public static ObjectNode event(String type, ObjectNode object) {
    ObjectNode e = Json.object();
    e.put("type", type);
    e.set("object", object);
    return e;
  }

  /**
   * A BOOKMARK: an object of the watched kind carrying only the resource version (and, at the
   * end of a watch-list's initial events, the {@value #INITIAL_EVENTS_END} annotation).
   */
  public static ObjectNode bookmark(String kind, String apiVersion, long rv, boolean initialEventsEnd) {
    ObjectNode o = Json.object();
    o.put("kind", kind).put("apiVersion", apiVersion);
    ObjectNode m = o.putObject("metadata");
    m.put("resourceVersion", Long.toString(rv));
    if (initialEventsEnd) {
      m.putObject("annotations").put(INITIAL_EVENTS_END, "true");
    }
    return event("BOOKMARK", o);
  }

  /** An ERROR event carrying a Status (e.g. 410 Expired for a too old resource version). */
  public static ObjectNode error(StatusException e) {
    return event("ERROR", e.toStatus());
  }
}
