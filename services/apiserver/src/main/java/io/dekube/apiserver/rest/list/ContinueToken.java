package io.dekube.apiserver.rest.list;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code continue} token of a paginated list, shaped as kube-apiserver's etcd3 store makes
 * it: base64url (no padding) of {@code {"v":"meta.k8s.io/v1","rv":<rv>,"start":"<key>\u0000"}},
 * where {@code rv} is the resource version the first page was read at and {@code start} the
 * store key the next page starts at (the last returned key plus a NUL: the next key after it).
 * Immutable.
 *
 * @param resourceVersion the list's resource version
 * @param start           the first key of the next page (inclusive)
 */
public record ContinueToken(long resourceVersion, String start) {

  private static final String VERSION = "meta.k8s.io/v1";

  /** The token continuing after {@code lastKey}. */
  public static ContinueToken after(long resourceVersion, String lastKey) {
    return new ContinueToken(resourceVersion, lastKey + "\u0000");
  }

  /** The encoded token. */
  public String encode() {
    ObjectNode n = Json.object();
    n.put("v", VERSION).put("rv", resourceVersion).put("start", start);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(n.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a token.
   *
   * @throws StatusException 400 BadRequest when it is not a token this server made
   */
  public static ContinueToken decode(String token) {
    try {
      byte[] raw = Base64.getUrlDecoder().decode(token.replace("=", ""));
      JsonNode n = Json.MAPPER.readTree(raw);
      if (!VERSION.equals(n.path("v").asText()) || !n.path("rv").canConvertToLong() || !n.path("start").isTextual()) {
        throw invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
      }
      if (n.path("rv").asLong() < 0) {
        throw invalid("incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
      }
      return new ContinueToken(n.path("rv").asLong(), n.path("start").asText());
    } catch (StatusException e) {
      throw e;
    } catch (Exception e) {
      throw invalid("could not decode the token: " + e.getMessage());
    }
  }

  private static StatusException invalid(String why) {
    return StatusException.badRequest("continue key is not valid: " + why);
  }

  /**
   * The 410 Expired kube answers when a token's resource version can no longer be served
   * consistently.
   */
  public static StatusException expired() {
    return new StatusException(410, "Expired", "The provided continue parameter is too old to display a consistent"
        + " list result. You can start a new list without the continue parameter, or use the continue token in"
        + " this response to retrieve the remainder of the results. Continuing with the provided token results in"
        + " an inconsistent list - objects that were created, modified, or deleted between the time the first"
        + " chunk was returned and now may show up in the list.");
  }
}
