package io.dekube.apiserver.codec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The media types the REST API reads and writes, and parsing of {@code Content-Type} and
 * {@code Accept} headers as kube-apiserver negotiates them. Pure and thread-safe.
 */
public final class MediaTypes {

  public static final String JSON = "application/json";
  public static final String YAML = "application/yaml";
  public static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
  public static final String JSON_PATCH = "application/json-patch+json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";
  public static final String APPLY_PATCH = "application/apply-patch+yaml";
  /** The apply patch content type some clients send for JSON apply configurations. */
  public static final String APPLY_PATCH_CBOR = "application/apply-patch+cbor";

  /** Every patch content type the API accepts. */
  public static final Set<String> PATCH_TYPES = Set.of(JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH);

  /**
   * One media range of a header: type/subtype and parameters ({@code as}, {@code v}, {@code g}).
   *
   * @param type   lower-case {@code type/subtype}
   * @param params parameters, names lower-cased
   */
  public record MediaType(String type, Map<String, String> params) {

    /** A parameter value or null. */
    public String param(String name) {
      return params.get(name);
    }

    /** Whether this range accepts JSON ({@code application/json}, {@code application/*}, {@code *}/{@code *}). */
    public boolean acceptsJson() {
      return type.equals(JSON) || type.equals("application/*") || type.equals("*/*");
    }
  }

  private MediaTypes() {
  }

  /** The bare media type of a {@code Content-Type} header, lower-cased, or "" when absent. */
  public static String contentType(String header) {
    if (header == null) {
      return "";
    }
    int semi = header.indexOf(';');
    return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
  }

  /** Parses an {@code Accept} header into its media ranges, in order (empty for null or blank). */
  public static List<MediaType> parseAccept(String header) {
    List<MediaType> out = new ArrayList<>();
    if (header == null || header.isBlank()) {
      return out;
    }
    for (String range : header.split(",")) {
      String[] parts = range.split(";");
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        continue;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 1; i < parts.length; i++) {
        int eq = parts[i].indexOf('=');
        if (eq > 0) {
          params.put(parts[i].substring(0, eq).trim().toLowerCase(Locale.ROOT),
              parts[i].substring(eq + 1).trim().replace("\"", ""));
        }
      }
      out.add(new MediaType(type, params));
    }
    return out;
  }
}
