package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses kube-apiserver's static credential files ({@code --token-auth-file} and the former
 * {@code --basic-auth-file}): CSV records {@code secret,user,uid[,"group1,group2"]}, quoted
 * fields as in RFC 4180, blank lines ignored. Pure; thread-safe.
 */
public final class CsvUserFile {

  /** One record: the secret (token or password), the user it names, and the user's groups. */
  public record Entry(String secret, String user, String uid, List<String> groups) {

    public UserInfo userInfo() {
      return new UserInfo(user, uid, groups);
    }
  }

  private CsvUserFile() {
  }

  /** Reads and parses a file. Blocking. */
  public static List<Entry> read(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Parses CSV text. Fails with {@link IllegalArgumentException} naming the record for a record
   * of fewer than three fields or an unterminated quote.
   */
  public static List<Entry> parse(String text, String source) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    List<Entry> entries = new ArrayList<>();
    int line = 0;
    for (List<String> record : records(body, source)) {
      line++;
      if (record.size() < 3) {
        throw new IllegalArgumentException(source + ": record " + line + " has " + record.size()
            + " fields, want at least 3 (secret,user,uid[,groups])");
      }
      entries.add(new Entry(record.get(0), record.get(1), record.get(2),
          record.size() > 3 ? groups(record.get(3)) : List.of()));
    }
    return entries;
  }

  private static List<String> groups(String field) {
    return Arrays.stream(field.split(",")).map(String::trim).filter(g -> !g.isEmpty()).toList();
  }

  /** RFC 4180 records; empty lines are skipped, as Go's encoding/csv does. */
  private static List<List<String>> records(String text, String source) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean fieldStarted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        fieldStarted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
        fieldStarted = true;
      } else if (c == '\n' || c == '\r') {
        endRecord(records, record, field, fieldStarted);
        record = new ArrayList<>();
        fieldStarted = false;
      } else {
        field.append(c);
        fieldStarted = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException(source + ": unterminated quoted field");
    }
    endRecord(records, record, field, fieldStarted);
    return records;
  }

  private static void endRecord(List<List<String>> records, List<String> record, StringBuilder field, boolean started) {
    if (!started && record.isEmpty()) {
      return;
    }
    record.add(field.toString());
    field.setLength(0);
    records.add(record);
  }
}
