package io.dekube.kubelet.runtime.awk;

/** A program awk cannot parse or run: the message is what awk prints after {@code awk: }. */
final class AwkException extends RuntimeException {

  AwkException(String message) {
    super(message, null, false, false);
  }
}
