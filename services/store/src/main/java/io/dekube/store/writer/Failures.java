package io.dekube.store.writer;

import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Sorts transaction failures (writer rule 4): fatal ones need a new producer and a rebuild
 * (fenced, invalid epoch or state, and a commit whose outcome is unknown); the others abort the
 * transaction and re-read the batch from the committed offsets. Stateless.
 */
final class Failures {

  /** {@code commitTransaction()} failed: it may or may not have committed, so the state must be rebuilt. */
  static final class CommitOutcomeUnknown extends RuntimeException {
    CommitOutcomeUnknown(Throwable cause) {
      super("commit outcome unknown: " + cause, cause);
    }
  }

  /** The replies of a read-only batch could not be sent: the batch is read again. */
  static final class ReadsNotAnswered extends RuntimeException {
    ReadsNotAnswered(Throwable cause) {
      super("replies to reads not sent: " + cause, cause);
    }
  }

  /** Thrown on the loop thread when a test killed the writer. */
  static final class Killed extends RuntimeException {
    Killed() {
      super("writer killed", null, false, false);
    }
  }

  private Failures() {
  }

  static boolean fatal(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
          || t instanceof InvalidTxnStateException || t instanceof FencedInstanceIdException
          || t instanceof OutOfOrderSequenceException || t instanceof UnsupportedVersionException
          || t instanceof AuthorizationException || t instanceof AuthenticationException
          || t instanceof IllegalStateException || t instanceof CommitOutcomeUnknown) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The cause of an {@link ExecutionException}, else the exception itself. */
  static Throwable unwrap(Throwable e) {
    return e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
  }
}
