package io.dekube.apiserver.codec;

/**
 * What the REST API needs to read bodies and serve versions: the body decoder (JSON, YAML,
 * protobuf), the typed field validator, and the legacy version converter. Immutable and
 * thread-safe.
 *
 * @param decoder  request body decoding
 * @param fields   unknown-field and wrong-type checks against the typed models
 * @param versions legacy API versions
 */
public record Codecs(BodyDecoder decoder, FieldValidator fields, VersionConverter versions) {

  /** JSON and YAML bodies only, no protobuf, no legacy versions. */
  public static Codecs jsonOnly() {
    return new Codecs(new BodyDecoder(null), new FieldValidator(), VersionConverter.NONE);
  }

  /** The same codecs decoding protobuf bodies with {@code protobuf}. */
  public Codecs withProtobuf(ProtobufBodyDecoder protobuf) {
    return new Codecs(new BodyDecoder(protobuf), fields, versions);
  }

  /** The same codecs serving legacy versions through {@code converter}. */
  public Codecs withVersions(VersionConverter converter) {
    return new Codecs(decoder, fields, converter);
  }
}
