package io.dekube.core.bus;

/** Names of the bus topics (the catalog with their settings is {@code bus-schemas/topics.yaml}). */
public final class Topics {
  /** Write requests, keyed by resource name; partition owner = the writer of those resources. */
  public static final String REQUESTS = "dekube.requests";
  /** Replies, keyed by requester id. */
  public static final String REPLIES = "dekube.replies";
  /** YAML or JSON documents to apply. */
  public static final String INGEST = "dekube.ingest";
  /** One result per ingested document. */
  public static final String INGEST_RESULTS = "dekube.ingest.results";
  /** The consumer group of the writers. */
  public static final String WRITERS_GROUP = "dekube-writers";
  /** Header on a tombstone carrying the deleted object's uid. */
  public static final String UID_HEADER = "dekube.uid";

  private Topics() {
  }
}
