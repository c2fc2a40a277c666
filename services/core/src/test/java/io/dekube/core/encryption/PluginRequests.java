package io.dekube.core.encryption;

/**
 * The plugin's side of {@code v2.KeyManagementService} for the test plugins: its two requests read from their
 * protobuf bytes (kube's k8s.io/kms/apis/v2/api.proto). Stateless.
 */
final class PluginRequests {

  private PluginRequests() {
  }

  /** An {@code EncryptRequest}. */
  record Encrypt(byte[] plaintext, String uid) {
  }

  /** A {@code DecryptRequest} (annotations left out: the test plugins do not read them). */
  record Decrypt(byte[] ciphertext, String uid, String keyId) {
  }

  static Encrypt encrypt(byte[] request) {
    KmsProto.Reader r = new KmsProto.Reader(request);
    byte[] plaintext = new byte[0];
    String uid = "";
    while (r.next()) {
      switch (r.field) {
        case 1 -> plaintext = r.bytes();
        case 2 -> uid = r.string();
        default -> r.skip();
      }
    }
    return new Encrypt(plaintext, uid);
  }

  static Decrypt decrypt(byte[] request) {
    KmsProto.Reader r = new KmsProto.Reader(request);
    byte[] ciphertext = new byte[0];
    String uid = "";
    String keyId = "";
    while (r.next()) {
      switch (r.field) {
        case 1 -> ciphertext = r.bytes();
        case 2 -> uid = r.string();
        case 3 -> keyId = r.string();
        default -> r.skip();
      }
    }
    return new Decrypt(ciphertext, uid, keyId);
  }
}
