package io.dekube.kubelet.images.redis;

import io.vertx.core.net.NetSocket;

/**
 * One client connection's state: its database, whether it authenticated, its address; the link from this
 * server's master ({@link #fromMaster}) may write on a read-only replica. Confined to the server's lock.
 */
final class Session {

  final NetSocket socket;
  final String address;
  final boolean fromMaster;
  int db;
  boolean authenticated;
  String name = "";
  /** The port a replica said it listens on ({@code REPLCONF listening-port}). */
  int listeningPort;
  boolean closing;

  Session(NetSocket socket, String address, boolean fromMaster) {
    this.socket = socket;
    this.address = address;
    this.fromMaster = fromMaster;
  }
}
