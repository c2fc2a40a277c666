package io.dekube.core.encryption;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The value transformers of kube-apiserver's providers, with kube's formats at rest (after the
 * {@code k8s:enc:<provider>:v1:<key>:} prefix) and kube's error words:
 * <ul>
 *   <li>identity: the value itself; reading a value that starts with {@code k8s:enc:} fails;</li>
 *   <li>aescbc: a random 16-byte IV, then AES-CBC of the value with PKCS#7 padding;</li>
 *   <li>aesgcm: a random 12-byte nonce, then AES-GCM of the value (with its 16-byte tag), authenticated with the
 *       object's storage path;</li>
 *   <li>secretbox: a random 24-byte nonce, then NaCl's secretbox (XSalsa20 and Poly1305: tag, then ciphertext).</li>
 * </ul>
 * Immutable, thread-safe (a cipher instance per thread).
 */
final class Providers {

  static final byte[] ENCRYPTED = "k8s:enc:".getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SHORT = "the stored data was shorter than the required size";
  /** Cipher instances are not thread-safe and costly to look up: one per thread and mode. */
  private static final ThreadLocal<Cipher> CBC = ThreadLocal.withInitial(() -> cipher("AES/CBC/NoPadding"));
  private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> cipher("AES/GCM/NoPadding"));

  private static Cipher cipher(String transformation) {
    try {
      return Cipher.getInstance(transformation);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no " + transformation, e);
    }
  }

  private Providers() {
  }

  /** kube's {@code identity.NewEncryptCheckTransformer}. */
  static final ValueTransformer IDENTITY = new ValueTransformer() {
    @Override
    public Read fromStorage(byte[] data, byte[] ad) throws TransformException {
      if (PrefixTransformers.startsWith(data, ENCRYPTED)) {
        throw new TransformException("identity transformer tried to read encrypted data");
      }
      return new Read(data, false);
    }

    @Override
    public byte[] toStorage(byte[] data, byte[] ad) {
      return data;
    }
  };

  static ValueTransformer aesCbc(byte[] key) {
    SecretKeySpec spec = new SecretKeySpec(key, "AES");
    return new ValueTransformer() {
      @Override
      public Read fromStorage(byte[] data, byte[] ad) throws TransformException {
        if (data.length < 16) {
          throw new TransformException(SHORT);
        }
        if ((data.length - 16) % 16 != 0) {
          throw new TransformException("the stored data is not a multiple of the block size");
        }
        byte[] clear;
        try {
          Cipher c = CBC.get();
          c.init(Cipher.DECRYPT_MODE, spec, new IvParameterSpec(data, 0, 16));
          clear = c.doFinal(data, 16, data.length - 16);
        } catch (GeneralSecurityException e) {
          throw new TransformException(e.getMessage());
        }
        int pad = clear.length == 0 ? 0 : clear[clear.length - 1] & 0xff;
        if (pad == 0 || pad > clear.length) {
          throw new TransformException("invalid PKCS7 data (empty or not padded)");
        }
        for (int i = clear.length - pad; i < clear.length; i++) {
          if ((clear[i] & 0xff) != pad) {
            throw new TransformException("invalid padding on input");
          }
        }
        return new Read(Arrays.copyOf(clear, clear.length - pad), false);
      }

      @Override
      public byte[] toStorage(byte[] data, byte[] ad) throws TransformException {
        int pad = 16 - data.length % 16;
        byte[] padded = Arrays.copyOf(data, data.length + pad);
        Arrays.fill(padded, data.length, padded.length, (byte) pad);
        byte[] out = new byte[16 + padded.length];
        byte[] iv = new byte[16];
        RANDOM.nextBytes(iv);
        System.arraycopy(iv, 0, out, 0, 16);
        try {
          Cipher c = CBC.get();
          c.init(Cipher.ENCRYPT_MODE, spec, new IvParameterSpec(out, 0, 16));
          c.doFinal(padded, 0, padded.length, out, 16);
        } catch (GeneralSecurityException e) {
          throw new TransformException(e.getMessage());
        }
        return out;
      }
    };
  }

  static ValueTransformer aesGcm(byte[] key) {
    SecretKeySpec spec = new SecretKeySpec(key, "AES");
    return new ValueTransformer() {
      @Override
      public Read fromStorage(byte[] data, byte[] ad) throws TransformException {
        if (data.length < 12) {
          throw new TransformException(SHORT);
        }
        try {
          Cipher c = GCM.get();
          c.init(Cipher.DECRYPT_MODE, spec, new GCMParameterSpec(128, data, 0, 12));
          c.updateAAD(ad);
          return new Read(c.doFinal(data, 12, data.length - 12), false);
        } catch (GeneralSecurityException e) {
          throw new TransformException("cipher: message authentication failed"); // Go's words
        }
      }

      @Override
      public byte[] toStorage(byte[] data, byte[] ad) throws TransformException {
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
          Cipher c = GCM.get();
          c.init(Cipher.ENCRYPT_MODE, spec, new GCMParameterSpec(128, nonce));
          c.updateAAD(ad);
          byte[] out = Arrays.copyOf(nonce, 12 + c.getOutputSize(data.length));
          c.doFinal(data, 0, data.length, out, 12);
          return out;
        } catch (GeneralSecurityException e) {
          throw new TransformException(e.getMessage());
        }
      }
    };
  }

  static ValueTransformer secretbox(byte[] key) {
    byte[] k = key.clone();
    return new ValueTransformer() {
      @Override
      public Read fromStorage(byte[] data, byte[] ad) throws TransformException {
        if (data.length < 24 + 16) {
          throw new TransformException(SHORT);
        }
        byte[] clear = Providers.open(k, Arrays.copyOf(data, 24), data, 24);
        if (clear == null) {
          throw new TransformException("output array was not large enough for encryption"); // kube's words
        }
        return new Read(clear, false);
      }

      @Override
      public byte[] toStorage(byte[] data, byte[] ad) {
        byte[] nonce = new byte[24];
        RANDOM.nextBytes(nonce);
        byte[] box = seal(k, nonce, data);
        byte[] out = Arrays.copyOf(nonce, 24 + box.length);
        System.arraycopy(box, 0, out, 24, box.length);
        return out;
      }
    };
  }

  /** NaCl's {@code crypto_secretbox}: the Poly1305 tag, then the XSalsa20 ciphertext of {@code message}. */
  static byte[] seal(byte[] key, byte[] nonce, byte[] message) {
    XSalsa20Engine stream = stream(key, nonce);
    byte[] macKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, macKey, 0);
    byte[] out = new byte[16 + message.length];
    stream.processBytes(message, 0, message.length, out, 16);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    mac.update(out, 16, message.length);
    mac.doFinal(out, 0);
    return out;
  }

  /** Opens a secretbox that starts at {@code from} of {@code data}; null when its tag does not verify. */
  static byte[] open(byte[] key, byte[] nonce, byte[] data, int from) {
    XSalsa20Engine stream = stream(key, nonce);
    byte[] macKey = new byte[32];
    stream.processBytes(new byte[32], 0, 32, macKey, 0);
    int length = data.length - from - 16;
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(macKey));
    mac.update(data, from + 16, length);
    byte[] tag = new byte[16];
    mac.doFinal(tag, 0);
    if (!MessageDigest.isEqual(tag, Arrays.copyOfRange(data, from, from + 16))) {
      return null;
    }
    byte[] clear = new byte[length];
    stream.processBytes(data, from + 16, length, clear, 0);
    return clear;
  }

  private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
    XSalsa20Engine e = new XSalsa20Engine();
    e.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
    return e;
  }
}
