package io.dekube.apiserver.rest;

import io.dekube.core.model.StatusException;
import java.util.Locale;
import java.util.function.Function;

/** Typed reads of query parameters, failing with 400 BadRequest as kube's conversion does. */
final class Params {

  private final Function<String, String> query;

  Params(Function<String, String> query) {
    this.query = query;
  }

  /** The raw value, null when absent. */
  String get(String name) {
    return query.apply(name);
  }

  /** The value, or "" when absent. */
  String text(String name) {
    String v = query.apply(name);
    return v == null ? "" : v;
  }

  /** A boolean as Go's {@code strconv.ParseBool} reads it; {@code def} when absent or empty. */
  boolean bool(String name, boolean def) {
    Boolean b = optionalBool(name);
    return b == null ? def : b;
  }

  /** A boolean, null when absent or empty. */
  Boolean optionalBool(String name) {
    String v = query.apply(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "1", "t", "true" -> true;
      case "0", "f", "false" -> false;
      default -> throw StatusException.badRequest("strconv.ParseBool: parsing \"" + v + "\": invalid syntax");
    };
  }

  /** An integer, null when absent or empty. */
  Long optionalLong(String name) {
    String v = query.apply(name);
    if (v == null || v.isEmpty()) {
      return null;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw StatusException.badRequest("strconv.ParseInt: parsing \"" + v + "\": invalid syntax");
    }
  }
}
