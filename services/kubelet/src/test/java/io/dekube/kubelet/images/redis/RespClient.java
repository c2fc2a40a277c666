package io.dekube.kubelet.images.redis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A plain blocking RESP client over a real socket, for tests: sends commands, reads replies as their wire text. */
final class RespClient implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RespClient(String host, int port) throws IOException {
    socket = new Socket(host, port);
    socket.setSoTimeout(10_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  /** Sends {@code argv} as an array of bulk strings; the reply in wire form, e.g. {@code +OK} or {@code $1\r\nx}. */
  String call(String... argv) throws IOException {
    out.write(Reply.command(List.of(argv)).getBytes());
    out.flush();
    return read();
  }

  /** Sends a raw line (an inline command). */
  String inline(String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return read();
  }

  /** One reply, its lines joined by CRLF, without the final CRLF. */
  String read() throws IOException {
    List<String> parts = new ArrayList<>();
    readValue(parts);
    return String.join("\r\n", parts);
  }

  private void readValue(List<String> parts) throws IOException {
    String line = line();
    parts.add(line);
    char type = line.charAt(0);
    if (type == '$') {
      int n = Integer.parseInt(line.substring(1));
      if (n >= 0) {
        byte[] b = in.readNBytes(n + 2);
        parts.add(new String(b, 0, n, StandardCharsets.ISO_8859_1));
      }
    } else if (type == '*') {
      int n = Integer.parseInt(line.substring(1));
      for (int i = 0; i < n; i++) {
        readValue(parts);
      }
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int prev = -1;
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed");
      }
      if (c == '\n' && prev == '\r') {
        byte[] all = b.toByteArray();
        return new String(all, 0, all.length - 1, StandardCharsets.ISO_8859_1);
      }
      b.write(c);
      prev = c;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
