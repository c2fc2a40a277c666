package io.dekube.apiserver.codec;

import io.dekube.apiserver.codec.MediaTypes.MediaType;
import java.util.List;

/**
 * What shape and encoding a response takes, negotiated from the {@code Accept} header the way
 * kube-apiserver does: the first acceptable range wins. A Table ({@code as=Table}), a
 * PartialObjectMetadata ({@code as=PartialObjectMetadata} / {@code PartialObjectMetadataList}) or
 * the object itself, encoded as JSON, YAML or — for kinds with a protobuf message, when the client
 * names {@code application/vnd.kubernetes.protobuf} before JSON — protobuf. An {@code Accept}
 * header naming nothing producible is 406 NotAcceptable. Immutable.
 *
 * @param shape       the object transformation
 * @param metaVersion {@code v1} or {@code v1beta1}: the meta.k8s.io version asked for a Table or
 *                    PartialObjectMetadata
 * @param yaml        whether to encode as YAML instead of JSON
 * @param protobuf    whether to encode as Kubernetes protobuf ({@code k8s\0} + runtime.Unknown)
 */
public record ResponseFormat(Shape shape, String metaVersion, boolean yaml, boolean protobuf) {

  /** A JSON or YAML format. */
  public ResponseFormat(Shape shape, String metaVersion, boolean yaml) {
    this(shape, metaVersion, yaml, false);
  }

  /** The transformation of the answered object. */
  public enum Shape {
    OBJECT, TABLE, PARTIAL_METADATA
  }

  /** Plain JSON objects. */
  public static final ResponseFormat JSON = new ResponseFormat(Shape.OBJECT, "v1", false);

  /** Kubernetes protobuf objects. */
  public static final ResponseFormat PROTOBUF = new ResponseFormat(Shape.OBJECT, "v1", false, true);

  /** Negotiates from an {@code Accept} header for a kind without protobuf messages. */
  public static ResponseFormat negotiate(String acceptHeader) {
    return negotiate(acceptHeader, false);
  }

  /**
   * Negotiates from an {@code Accept} header; plain JSON when absent.
   *
   * @param protobuf whether the answer can be protobuf (a built-in kind, not a watch)
   * @throws io.dekube.core.model.StatusException 406 NotAcceptable when no range is producible
   */
  public static ResponseFormat negotiate(String acceptHeader, boolean protobuf) {
    List<MediaType> ranges = MediaTypes.parseAccept(acceptHeader);
    if (ranges.isEmpty()) {
      return JSON;
    }
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
      if (protobuf && m.type().equals(MediaTypes.PROTOBUF)) {
        return PROTOBUF;
      }
    }
    throw new io.dekube.core.model.StatusException(406, "NotAcceptable",
        "only the following media types are accepted: application/json, application/yaml"
            + (protobuf ? ", application/vnd.kubernetes.protobuf" : ""));
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
    return protobuf ? MediaTypes.PROTOBUF : yaml ? MediaTypes.YAML : MediaTypes.JSON;
  }
}
