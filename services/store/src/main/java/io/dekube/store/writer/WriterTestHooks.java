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
}
