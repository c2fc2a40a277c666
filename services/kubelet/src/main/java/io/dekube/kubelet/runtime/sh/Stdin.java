package io.dekube.kubelet.runtime.sh;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;

/**
 * What a command reads: lines for {@code read}, pieces as they come for a filter that streams ({@code grep x},
 * {@code head}), all of it for one that needs its end ({@code sort}, {@code wc}). Text in hand (a here-document,
 * a file), a {@link Pipe} from the stage before, or a session's stdin.
 */
public interface Stdin {

  /** The next line without its newline; null at end of input. */
  Future<String> readLine();

  /** What is left to read when it is text in hand (a here-document, a file); null otherwise. */
  String remaining();

  /** The next piece of input as it comes (lines ended by their newline); null at end of input. */
  default Future<String> read() {
    return readLine().map(line -> line == null ? null : line + "\n");
  }

  /** All that is left, once the input has ended (empty when there is none). */
  default Future<String> readAll() {
    StringBuilder all = new StringBuilder();
    Promise<String> done = Promise.promise();
    new Object() {
      void go() {
        while (true) {
          Future<String> piece = read();
          if (!piece.isComplete()) {
            piece.onComplete(ar -> {
              if (took(ar)) {
                go();
              }
            });
            return;
          }
          if (!took(piece)) {
            return;
          }
        }
      }

      boolean took(AsyncResult<String> piece) {
        if (piece.failed() || piece.result() == null) {
          done.tryComplete(all.toString());
          return false;
        }
        all.append(piece.result());
        return true;
      }
    }.go();
    return done.future();
  }

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
      public Future<String> read() {
        String rest = remaining();
        at = text == null ? 0 : text.length();
        return Future.succeededFuture(rest == null || rest.isEmpty() ? null : rest);
      }

      @Override
      public Future<String> readAll() {
        String rest = remaining();
        at = text == null ? 0 : text.length();
        return Future.succeededFuture(rest == null ? "" : rest);
      }

      @Override
      public String remaining() {
        return text == null ? null : text.substring(Math.min(at, text.length()));
      }
    };
  }
}
