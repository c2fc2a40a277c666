package io.dekube.kubelet.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A plain HTTP server as Go's answers a TLS client: the ClientHello's bytes are a bad request line, answered
 * {@code 400 Bad Request} in plain HTTP; an HTTP request gets 200. Records the requests' header blocks. For tests.
 */
public final class PlainHttpServer implements AutoCloseable {

  private final ServerSocket socket;
  /** The header block of each HTTP request served (the TLS attempts are not recorded). */
  public final List<String> requests = new CopyOnWriteArrayList<>();

  public PlainHttpServer() throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serve, "plain-http-server");
    t.setDaemon(true);
    t.start();
  }

  public int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket s = socket.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        int first = in.read();
        if (first == 0x16) { // a TLS handshake record
          out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          continue;
        }
        StringBuilder head = new StringBuilder().append((char) first);
        while (head.indexOf("\r\n\r\n") < 0) {
          int c = in.read();
          if (c < 0) {
            break;
          }
          head.append((char) c);
        }
        requests.add(head.toString());
        out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
            .getBytes(StandardCharsets.US_ASCII));
      } catch (IOException e) {
        // closed, or a client that went away
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
