package io.dekube.launcher;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.ingest.IngestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code dekube ingest FILE... [--kafka HOST:PORT] [--timeout 30s]}: publishes each file's text as
 * one record on {@code dekube.ingest}, waits for its results on {@code dekube.ingest.results} and
 * prints a line per document as kubectl does ({@code deployment.apps/kube-decon created}, or the
 * error). Exit status 1 when a document failed or a file had no answer in time.
 */
final class IngestCommand {

  static final List<Flag> FLAGS = List.of(
      Flag.of("--kafka", "HOST:PORT", "the cluster's Kafka (default 127.0.0.1:9092)"),
      Flag.of("--timeout", "DURATION", "how long to wait for each file's results (default 30s)"),
      // the cluster's file: a record with a document of an encrypted resource (a Secret) goes on the bus sealed
      UpOptions.ENCRYPTION_FLAG);

  private IngestCommand() {
  }

  /** Returns the process exit code. */
  static int run(List<String> args) throws Exception {
    List<String> files = new ArrayList<>();
    Flags f = Flags.parseWithOperands(args, FLAGS, files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("usage: dekube ingest FILE... [--kafka HOST:PORT] [--timeout 30s]");
    }
    UpOptions.installEncryption(f);
    String kafka = f.string("--kafka", "127.0.0.1:9092");
    Duration timeout = f.duration("--timeout", Duration.ofSeconds(30));
    boolean failed = false;
    try (IngestClient client = new IngestClient(kafka)) {
      for (String file : files) {
        failed |= !ingest(client, Path.of(file), timeout);
      }
    }
    return failed ? 1 : 0;
  }

  private static boolean ingest(IngestClient client, Path file, Duration timeout) throws Exception {
    String text;
    try {
      text = Files.readString(file);
    } catch (java.io.IOException e) {
      System.err.println("error: cannot read " + file + ": " + e.getMessage());
      return false;
    }
    List<ObjectNode> results;
    try {
      results = client.ingest(text, timeout);
    } catch (java.util.concurrent.TimeoutException e) {
      System.err.println("error: " + file + ": " + e.getMessage() + " (is an apiserver running on this Kafka?)");
      return false;
    } catch (org.apache.kafka.common.KafkaException e) {
      System.err.println("error: " + file + ": Kafka does not answer: " + e.getMessage());
      return false;
    }
    boolean ok = true;
    for (ObjectNode r : results) {
      boolean good = r.path("ok").asBoolean();
      (good ? System.out : System.err).println(IngestClient.describe(r));
      ok &= good;
    }
    return ok;
  }
}
