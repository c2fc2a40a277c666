package io.dekube.core.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * JSON Web Signatures in compact form with RS256 (RFC 7515 / 7518), the only algorithm service
 * account tokens use: {@code base64url(header).base64url(payload).base64url(signature)}. Built on
 * the JDK's {@code SHA256withRSA}. Pure and thread-safe.
 */
public final class Jws {

  /** The one algorithm signed and accepted. */
  public static final String RS256 = "RS256";

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  /** A token split into its decoded parts; {@code signingInput} is what the signature covers. */
  public record Parsed(ObjectNode header, ObjectNode payload, byte[] signingInput, byte[] signature) {
  }

  private Jws() {
  }

  /** Signs {@code payload} with {@code key}; the header names RS256 and {@code keyId}. */
  public static String sign(ObjectNode payload, PrivateKey key, String keyId) {
    ObjectNode header = Json.object().put("alg", RS256);
    if (keyId != null && !keyId.isEmpty()) {
      header.put("kid", keyId);
    }
    String input = encode(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
        + encode(payload.toString().getBytes(StandardCharsets.UTF_8));
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + encode(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
    }
  }

  /**
   * Splits a compact JWS and decodes its header and payload (no signature check); null when the
   * text is not a JWS with JSON objects in both parts.
   */
  public static Parsed parse(String token) {
    if (token == null) {
      return null;
    }
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return null;
    }
    try {
      JsonNode header = Json.MAPPER.readTree(DECODER.decode(parts[0]));
      JsonNode payload = Json.MAPPER.readTree(DECODER.decode(parts[1]));
      if (!(header instanceof ObjectNode h) || !(payload instanceof ObjectNode p)) {
        return null;
      }
      byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
      return new Parsed(h, p, input, DECODER.decode(parts[2]));
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  /** Whether the parsed token is RS256 and its signature verifies with {@code key}. */
  public static boolean verify(Parsed token, PublicKey key) {
    if (!RS256.equals(token.header().path("alg").asText())) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(token.signingInput());
      return verifier.verify(token.signature());
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Unpadded base64url. */
  public static String encode(byte[] bytes) {
    return ENCODER.encodeToString(bytes);
  }
}
