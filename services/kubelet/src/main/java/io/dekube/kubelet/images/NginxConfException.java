package io.dekube.kubelet.images;

/** A configuration nginx refuses: the message is nginx's own {@code [emerg]} text, without the prefix. */
final class NginxConfException extends RuntimeException {

  NginxConfException(String message) {
    super(message, null, false, false);
  }
}
