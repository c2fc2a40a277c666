package io.dekube.store.writer;

/**
 * Points where tests can stop the writer's loop thread. Production uses {@link #NONE}. Called on the
 * loop thread.
 */
interface WriterTestHooks {

  WriterTestHooks NONE = partition -> {
  };

  /**
   * After a batch's store records and replies were sent and its offsets added to the transaction,
   * right before {@code commitTransaction()}. Blocking here freezes the writer mid-transaction.
   */
  void beforeCommit(int partition) throws InterruptedException;

  /**
   * Added to every predicted store offset of the next transaction of {@code partition} (writer rule 8):
   * a non-zero value forces a mismatch, so the transaction aborts and is redone without predictions.
   */
  default long predictionSkew(int partition) {
    return 0;
  }
}
