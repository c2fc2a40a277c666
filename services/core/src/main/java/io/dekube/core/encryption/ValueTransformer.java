package io.dekube.core.encryption;

/**
 * Turns a store value into what is kept at rest and back, as kube-apiserver's
 * {@code storage/value.Transformer} does: {@code ad} is the authenticated data (the object's storage path), which
 * the providers that authenticate (aesgcm) bind the ciphertext to. Implementations are immutable and thread-safe.
 */
public interface ValueTransformer {

  /**
   * What a read gave.
   *
   * @param data  the clear value
   * @param stale true when it was read by a provider or key other than the first (a write re-encrypts it)
   */
  record Read(byte[] data, boolean stale) {
  }

  /** The clear value of {@code data} at rest; a {@link TransformException} with kube's words when it cannot be read. */
  Read fromStorage(byte[] data, byte[] ad) throws TransformException;

  /** {@code data} as it is kept at rest. */
  byte[] toStorage(byte[] data, byte[] ad) throws TransformException;

  /** A value that could not be transformed; its message is kube's. */
  final class TransformException extends Exception {
    public TransformException(String message) {
      super(message, null, false, false);
    }
  }
}
