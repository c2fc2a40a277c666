package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;

/** What a command reads: lines for {@code read}, and the text a filter reads ({@code grep x} in a pipeline). */
public interface Stdin {

  /** The next line without its newline; null at end of input. */
  Future<String> readLine();

  /** What is left to read when it is text in hand (a pipeline's, a here-document, a file); null otherwise. */
  String remaining();

  /** No input at all. */
  Stdin NONE = text(null);

  /** Input that is {@code text} (null: none). */
  static Stdin text(String text) {
    return new Stdin() {
      private int at;

      @Override
      public Future<String> readLine() {
        if (text == null || at >= text.length()) {
          return Future.succeededFuture(null);
        }
        int eol = text.indexOf('\n', at);
        String line = text.substring(at, eol < 0 ? text.length() : eol);
        at = eol < 0 ? text.length() : eol + 1;
        return Future.succeededFuture(line);
      }

      @Override
      public String remaining() {
        return text == null ? null : text.substring(Math.min(at, text.length()));
      }
    };
  }
}
