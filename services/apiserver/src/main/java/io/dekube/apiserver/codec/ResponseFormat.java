package io.dekube.apiserver.codec;

import io.dekube.apiserver.codec.MediaTypes.MediaType;
import java.util.List;

/**
 * What shape and encoding a response takes, negotiated from the {@code Accept} header the way
 * kube-apiserver does: the first acceptable range wins. A Table ({@code as=Table}), a
 * PartialObjectMetadata ({@code as=PartialObjectMetadata} / {@code PartialObjectMetadataList}) or
 * the object itself, encoded as JSON or YAML. Protobuf responses are not produced: a client that
 * also accepts JSON (kubectl sends {@code application/vnd.kubernetes.protobuf,application/json})
 * gets JSON. Immutable.
 *
 * @param shape       the object transformation
 * @param metaVersion {@code v1} or {@code v1beta1}: the meta.k8s.io version asked for a Table or
 *                    PartialObjectMetadata
 * @param yaml        whether to encode as YAML instead of JSON
 */
public record ResponseFormat(Shape shape, String metaVersion, boolean yaml) {

  /** The transformation of the answered object. */
  public enum Shape {
    OBJECT, TABLE, PARTIAL_METADATA
  }

  /** Plain JSON objects. */
  public static final ResponseFormat JSON = new ResponseFormat(Shape.OBJECT, "v1", false);

  /** Negotiates from an {@code Accept} header; plain JSON when absent or nothing else matches. */
  public static ResponseFormat negotiate(String acceptHeader) {
    List<MediaType> ranges = MediaTypes.parseAccept(acceptHeader);
    for (MediaType m : ranges) {
      String as = m.param("as");
      if (as != null) {
        ResponseFormat f = transformed(m, as);
        if (f != null) {
          return f;
        }
        continue;
      }
      if (m.type().equals(MediaTypes.YAML)) {
        return new ResponseFormat(Shape.OBJECT, "v1", true);
      }
      if (m.acceptsJson()) {
        return JSON;
      }
    }
    return JSON;
  }

  private static ResponseFormat transformed(MediaType m, String as) {
    if (!m.type().equals(MediaTypes.JSON) || !"meta.k8s.io".equals(m.param("g"))) {
      return null;
    }
    String v = m.param("v");
    if (!"v1".equals(v) && !"v1beta1".equals(v)) {
      return null;
    }
    return switch (as) {
      case "Table" -> new ResponseFormat(Shape.TABLE, v, false);
      case "PartialObjectMetadata", "PartialObjectMetadataList" -> new ResponseFormat(Shape.PARTIAL_METADATA, v, false);
      default -> null;
    };
  }

  /** The {@code Content-Type} of the response. */
  public String contentType() {
    return yaml ? MediaTypes.YAML : MediaTypes.JSON;
  }
}
