package io.dekube.apiserver.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits the text of an ingest record into its YAML documents as kubectl's YAML reader does: a
 * line that starts with {@code ---} followed by nothing but blanks or a comment ends a document;
 * documents with nothing but blanks and comments are skipped. Each document is parsed on its own,
 * so one that is not YAML does not hide the others. Pure.
 */
final class IngestDocuments {

  private IngestDocuments() {
  }

  /** The non-empty documents of {@code text}, in order. */
  static List<String> split(String text) {
    List<String> docs = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : text.split("\r?\n", -1)) {
      if (separator(line)) {
        add(docs, current);
        current.setLength(0);
      } else {
        current.append(line).append('\n');
      }
    }
    add(docs, current);
    return docs;
  }

  private static boolean separator(String line) {
    if (!line.startsWith("---")) {
      return false;
    }
    String rest = line.substring(3).strip();
    return rest.isEmpty() || rest.startsWith("#");
  }

  private static void add(List<String> docs, StringBuilder doc) {
    for (String line : doc.toString().split("\n")) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) {
        docs.add(doc.toString());
        return;
      }
    }
  }
}
