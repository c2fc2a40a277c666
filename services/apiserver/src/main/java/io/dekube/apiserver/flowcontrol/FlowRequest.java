package io.dekube.apiserver.flowcontrol;

import io.dekube.apiserver.authz.Attributes;

/**
 * One request in a priority level's {@link QueueSet}: its flow (FlowSchema and distinguisher, hashed
 * for shuffle sharding), what it asks (for the debug dump), and where it is — waiting in a queue,
 * executing, or turned away. Each request takes one seat. Fields change only under its QueueSet's lock.
 */
public final class FlowRequest {

  /** Where a request stands. */
  public enum State { NEW, WAITING, EXECUTING, REJECTED, CANCELLED, FINISHED }

  final String flowSchema;
  final String distinguisher;
  final long hash;
  final Attributes attributes;
  final long arrivalNanos;
  final long arrivalMillis;
  State state = State.NEW;
  String rejectReason;
  QueueSet.Queue queue;
  double arrivalR;
  long startNanos;
  long startMillis;
  /** Resumes the request once a later call dispatched it (set by whoever started it). */
  volatile Runnable resume = () -> { };

  /**
   * @param flowSchema    the FlowSchema that matched
   * @param distinguisher its distinguisher's value (user name, namespace, or empty)
   * @param attributes    the request, for the dump (may be null)
   * @param arrivalNanos  the QueueSet clock's reading at arrival
   * @param arrivalMillis the wall clock at arrival (for the dump)
   */
  public FlowRequest(String flowSchema, String distinguisher, Attributes attributes, long arrivalNanos,
                     long arrivalMillis) {
    this.flowSchema = flowSchema;
    this.distinguisher = distinguisher;
    this.hash = ShuffleSharding.flowHash(flowSchema, distinguisher);
    this.attributes = attributes;
    this.arrivalNanos = arrivalNanos;
    this.arrivalMillis = arrivalMillis;
  }

  /** What resumes the request when another request's call dispatches it. */
  public void onResume(Runnable r) {
    resume = r;
  }

  /** Where it stands now (read under no lock: a hint, final once it is rejected or finished). */
  public synchronized State state() {
    return state;
  }

  synchronized void state(State s) {
    state = s;
  }

  /** Why it was rejected ({@code queue-full}, {@code concurrency-limit}, {@code time-out}), else null. */
  public String rejectReason() {
    return rejectReason;
  }

  /** The FlowSchema that matched. */
  public String flowSchema() {
    return flowSchema;
  }

  /** How long it waited before it started executing, in the QueueSet clock's nanoseconds. */
  public long waitedNanos() {
    return startNanos - arrivalNanos;
  }
}
