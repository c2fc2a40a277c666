package io.dekube.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code dekube node stop|start NAME [--ops-port N]}: stops or restarts an in-process node of a
 * running {@code dekube up}, through its ops port ({@code POST /nodes/NAME/stop|start}); {@code dekube
 * node list} shows its nodes. A stopped node's heartbeats stop and its pods stay as they are.
 */
final class NodeCommand {

  static final List<Flag> FLAGS = List.of(Flag.of("--ops-port", "N", "the running up's ops port (default 10260)"));

  private NodeCommand() {
  }

  /** Returns the process exit code. */
  static int run(List<String> args) throws Exception {
    if (args.isEmpty() || !List.of("stop", "start", "list").contains(args.get(0))
        || (!args.get(0).equals("list") && args.size() < 2)) {
      throw new IllegalArgumentException("usage: dekube node stop|start NAME [--ops-port N], dekube node list");
    }
    String action = args.get(0);
    boolean list = action.equals("list");
    Flags f = Flags.parse(args.subList(list ? 1 : 2, args.size()), FLAGS);
    int port = f.port("--ops-port", 10260);
    String path = list ? "/nodes/" : "/nodes/" + args.get(1) + "/" + action;
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(60));
    req = list ? req.GET() : req.POST(HttpRequest.BodyPublishers.noBody());
    HttpResponse<String> resp;
    try {
      resp = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (java.io.IOException e) {
      System.err.println("dekube: no dekube up answers on ops port " + port + " (" + e.getMessage() + ")");
      return 1;
    }
    (resp.statusCode() == 200 ? System.out : System.err).print(resp.body());
    return resp.statusCode() == 200 ? 0 : 1;
  }
}
