package io.dekube.kubelet.images.mysql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The challenge-response of MySQL's two password plugins over a 20-byte nonce. {@code mysql_native_password}: the
 * client sends {@code SHA1(pw) XOR SHA1(nonce + SHA1(SHA1(pw)))}, the server keeps {@code SHA1(SHA1(pw))}.
 * {@code caching_sha2_password}'s fast path: the client sends {@code SHA256(pw) XOR SHA256(SHA256(SHA256(pw)) +
 * nonce)}, the server keeps {@code SHA256(SHA256(pw))}. An empty password sends nothing. Pure.
 */
final class Scramble {

  static final String NATIVE = "mysql_native_password";
  static final String CACHING_SHA2 = "caching_sha2_password";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Scramble() {
  }

  /** A new nonce: 20 printable bytes, none of them NUL (the handshake ends its second part with one). */
  static byte[] nonce() {
    byte[] n = new byte[20];
    for (int i = 0; i < n.length; i++) {
      n[i] = (byte) (33 + RANDOM.nextInt(94));
    }
    return n;
  }

  /** What the server keeps of {@code password} for {@code plugin}: the double hash; empty for no password. */
  static byte[] stored(String plugin, String password) {
    if (password == null || password.isEmpty()) {
      return new byte[0];
    }
    String algorithm = algorithm(plugin);
    return digest(algorithm, digest(algorithm, password.getBytes(StandardCharsets.UTF_8)));
  }

  /** The client's answer to {@code nonce} for {@code password}. */
  static byte[] answer(String plugin, String password, byte[] nonce) {
    if (password == null || password.isEmpty()) {
      return new byte[0];
    }
    String algorithm = algorithm(plugin);
    byte[] stage1 = digest(algorithm, password.getBytes(StandardCharsets.UTF_8));
    byte[] stage2 = digest(algorithm, stage1);
    return xor(stage1, mix(plugin, stage2, nonce));
  }

  /** Whether {@code answer} proves the password whose double hash is {@code stored}. */
  static boolean verify(String plugin, byte[] stored, byte[] nonce, byte[] answer) {
    if (stored.length == 0 || answer.length == 0) {
      return stored.length == 0 && answer.length == 0;
    }
    if (answer.length != stored.length) {
      return false;
    }
    byte[] stage1 = xor(answer, mix(plugin, stored, nonce));
    return MessageDigest.isEqual(digest(algorithm(plugin), stage1), stored);
  }

  private static byte[] mix(String plugin, byte[] stage2, byte[] nonce) {
    String algorithm = algorithm(plugin);
    return algorithm.equals("SHA-1") ? digest(algorithm, concat(nonce, stage2)) : digest(algorithm, concat(stage2, nonce));
  }

  private static String algorithm(String plugin) {
    return plugin.equals(CACHING_SHA2) ? "SHA-256" : "SHA-1";
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static byte[] xor(byte[] a, byte[] b) {
    byte[] c = new byte[a.length];
    for (int i = 0; i < a.length; i++) {
      c[i] = (byte) (a[i] ^ b[i % b.length]);
    }
    return c;
  }

  private static byte[] digest(String algorithm, byte[] data) {
    try {
      return MessageDigest.getInstance(algorithm).digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
