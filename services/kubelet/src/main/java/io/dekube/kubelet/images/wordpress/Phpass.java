package io.dekube.kubelet.images.wordpress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * The portable hashes of phpass, as WordPress 6.2's {@code wp_hash_password} stores them in {@code wp_users}:
 * {@code $P$B}, 8 characters of salt, then MD5 iterated 8192 times, all in phpass' own base64. Pure.
 */
final class Phpass {

  private static final String ITOA64 = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  private static final int COUNT_LOG2 = 13; // WordPress' PasswordHash(8, true): 8 + 5
  private static final SecureRandom RANDOM = new SecureRandom();

  private Phpass() {
  }

  /** A new hash of {@code password}, with a random salt. */
  static String hash(String password) {
    byte[] salt = new byte[6];
    RANDOM.nextBytes(salt);
    return crypt(password, "$P$" + ITOA64.charAt(COUNT_LOG2) + encode(salt, 6));
  }

  /** Whether {@code password} is the one {@code stored} was made from. */
  static boolean check(String password, String stored) {
    return stored != null && stored.startsWith("$P$") && stored.length() == 34
        && MessageDigest.isEqual(crypt(password, stored).getBytes(StandardCharsets.US_ASCII),
        stored.getBytes(StandardCharsets.US_ASCII));
  }

  private static String crypt(String password, String setting) {
    int countLog2 = ITOA64.indexOf(setting.charAt(3));
    String salt = setting.substring(4, 12);
    byte[] pass = password.getBytes(StandardCharsets.UTF_8);
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(salt.getBytes(StandardCharsets.US_ASCII));
      byte[] hash = md5.digest(pass);
      for (int i = 1 << countLog2; i > 0; i--) {
        md5.update(hash);
        hash = md5.digest(pass);
      }
      return setting.substring(0, 12) + encode(hash, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String encode(byte[] input, int count) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    do {
      int value = input[i++] & 0xff;
      out.append(ITOA64.charAt(value & 0x3f));
      if (i < count) {
        value |= (input[i] & 0xff) << 8;
      }
      out.append(ITOA64.charAt((value >> 6) & 0x3f));
      if (i++ >= count) {
        break;
      }
      if (i < count) {
        value |= (input[i] & 0xff) << 16;
      }
      out.append(ITOA64.charAt((value >> 12) & 0x3f));
      if (i++ >= count) {
        break;
      }
      out.append(ITOA64.charAt((value >> 18) & 0x3f));
    } while (i < count);
    return out.toString();
  }
}
