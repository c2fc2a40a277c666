package io.dekube.kubelet.images.mysql;

/**
 * The client library's words for a connection that failed: an unknown host ({@code 2005}), nothing listening
 * ({@code 2002} through the local socket, {@code 2003} over TCP, with the errno), or the server's own error
 * ({@code 1045} access denied…). Pure.
 */
final class ClientErrors {

  private ClientErrors() {
  }

  /** The {@code ERROR ...} line for {@code e}, a failed connect with {@code o}. */
  static String connect(Throwable e, ClientOptions o) {
    if (e instanceof MysqlClient.ServerError se) {
      return se.line();
    }
    String m = String.valueOf(e.getMessage());
    if (e instanceof java.net.UnknownHostException || m.contains("Name or service not known")
        || m.contains("Failed to resolve") || m.contains("NXDOMAIN") || m.contains("nodename nor servname")) {
      return "ERROR 2005 (HY000): Unknown MySQL server host '" + o.host + "' (-2)";
    }
    String errno = m.contains("timed out") ? "110" : "111";
    if (o.host == null || o.host.equals("localhost")) {
      return "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '" + MysqlVersion.SOCKET
          + "' (2)";
    }
    return "ERROR 2003 (HY000): Can't connect to MySQL server on '" + o.host + ":" + o.port + "' (" + errno + ")";
  }
}
