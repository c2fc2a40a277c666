package io.dekube.kubelet.images.cassandra;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The image's {@code nodetool} (Cassandra 3.11's words) against the pod's own node — {@code status [keyspace]},
 * {@code drain} (the StatefulSet's preStop hook), {@code removenode <host ID>}, {@code version} — and its {@code /ready-probe.sh}. Before the node
 * runs, nodetool cannot reach its JMX port and says so, exit 1. Non-blocking.
 */
final class Nodetool {

  /** The replication factor of the keyspaces a fresh cluster has (SimpleStrategy); the local ones have none. */
  private static final Map<String, Integer> KEYSPACES = Map.of("system_traces", 2, "system_auth", 1,
      "system_distributed", 3);
  private static final String SEE_HELP = "See 'nodetool help' or 'nodetool help <command>'.\n";

  private Nodetool() {
  }

  static ExecSession start(CassandraNode node, List<String> argv, ExecSession.Output out) {
    List<String> args = new ArrayList<>();
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (List.of("-h", "--host", "-p", "--port", "-u", "--username", "-pw", "--password").contains(a)) {
        i++; // the JMX address and credentials: always the pod's own node here
      } else if (!a.equals("-r") && !a.equals("--resolve-ip")) {
        args.add(a);
      }
    }
    if (args.isEmpty()) {
      out.stdout(Buffer.buffer("usage: nodetool [(-h <host> | --host <host>)] [(-p <port> | --port <port>)]\n"
          + "        [(-pw <password> | --password <password>)] [(-u <username> | --username <username>)]\n"
          + "        <command> [<args>]\n\nThe most commonly used nodetool commands are:\n"
          + "    drain                        Drain the node (stop accepting writes and flush all tables)\n"
          + "    removenode                   Show status of current node removal, force completion of pending "
          + "removal or remove provided ID\n"
          + "    status                       Print cluster information (state, load, IDs, ...)\n"
          + "    version                      Print cassandra version\n\n"
          + "See 'nodetool help <command>' for more information on a specific command.\n\n"));
      return ExecSession.ending(Future.succeededFuture(0));
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    if (!List.of("status", "drain", "version", "removenode").contains(command)) {
      return fail(out, "nodetool: Found unexpected parameters: " + args + "\n" + SEE_HELP);
    }
    if (node == null) {
      return fail(out, "nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused "
          + "(Connection refused)'.\n");
    }
    return switch (command) {
      case "version" -> rest.isEmpty() ? print(out, "ReleaseVersion: " + CassandraImage.VERSION + "\n")
          : fail(out, "nodetool: Found unexpected parameters: " + rest + "\n" + SEE_HELP);
      case "drain" -> rest.isEmpty() ? ExecSession.ending(node.drain().map(0))
          : fail(out, "nodetool: Found unexpected parameters: " + rest + "\n" + SEE_HELP);
      case "removenode" -> removeNode(node, rest, out);
      default -> status(node, rest, out);
    };
  }

  /** {@code removenode <host ID>} of a down node; 3.11's {@code status} and {@code force} forms are not built. */
  private static ExecSession removeNode(CassandraNode node, List<String> rest, ExecSession.Output out) {
    if (rest.size() != 1) {
      return fail(out, "nodetool: Missing required parameter: removenode <hostid>\n" + SEE_HELP);
    }
    String why = node.removeNode(rest.get(0));
    return why == null ? ExecSession.ending(Future.succeededFuture(0)) : error(out, "java.lang"
        + ".UnsupportedOperationException", why);
  }

  /** An exception from the node: nodetool's {@code error:} and the trace's head, exit 2. */
  private static ExecSession error(ExecSession.Output out, String type, String message) {
    out.stderr(Buffer.buffer("error: " + message + "\n-- StackTrace --\n" + type + ": " + message + "\n"));
    return ExecSession.ending(Future.succeededFuture(2));
  }

  private static ExecSession status(CassandraNode node, List<String> rest, ExecSession.Output out) {
    if (rest.size() > 1) {
      return fail(out, "nodetool: Found unexpected parameters: " + rest.subList(1, rest.size()) + "\n" + SEE_HELP);
    }
    String keyspace = rest.isEmpty() ? "system_traces" : rest.get(0);
    Integer replicas = KEYSPACES.get(keyspace);
    if (replicas == null) {
      if (List.of("system", "system_schema").contains(keyspace)) {
        return error(out, "java.lang.IllegalStateException", "Ownership values for keyspaces with LocalStrategy are "
            + "meaningless");
      }
      return fail(out, "nodetool: The keyspace " + keyspace + ", does not exist\n" + SEE_HELP);
    }
    return print(out, node.status(replicas));
  }

  /**
   * {@code /ready-probe.sh}: exit 0 when {@code nodetool status} has the pod's own address {@code UN} and its
   * native transport listens, else 1 ({@code UN} / {@code Not Up} printed when {@code DEBUG} is set); 127 once the
   * script is gone from the container.
   */
  static ExecSession readyProbe(JvmContainer c, CassandraNode node, ExecSession.Output out) {
    boolean debug = !c.spec().env().getOrDefault("DEBUG", "").isEmpty();
    return ExecSession.ending(c.file("/ready-probe.sh").map(script -> {
      if (script == null) {
        out.stderr(Buffer.buffer("bash: /ready-probe.sh: No such file or directory\n"));
        return 127;
      }
      boolean up = node != null && node.ready();
      if (debug) {
        out.stdout(Buffer.buffer(up ? "UN\n" : "Not Up\n"));
      }
      return up ? 0 : 1;
    }));
  }

  /**
   * {@code cqlsh}: the image has one, but there is no CQL engine behind the native port, so it fails as cqlsh does
   * when its server answers with an error (or does not listen yet), exit 1.
   */
  static ExecSession cqlsh(CassandraNode node, ExecSession.Output out) {
    String why = node != null && node.ready() ? "ProtocolException('" + NativeTransport.NO_CQL + "')"
        : "error(111, \"Tried connecting to [('127.0.0.1', 9042)]. Last error: Connection refused\")";
    out.stderr(Buffer.buffer("Connection error: ('Unable to connect to any servers', {'127.0.0.1': " + why + "})\n"));
    return ExecSession.ending(Future.succeededFuture(1));
  }

  /**
   * {@code out} as a terminal shows it ({@code kubectl exec -it}): a pseudo-terminal writes {@code \r\n} for
   * newlines and has one stream, stderr joins stdout.
   */
  static ExecSession.Output terminal(ExecSession.Output out, boolean tty) {
    if (!tty) {
      return out;
    }
    return new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        out.stdout(Buffer.buffer(data.toString().replace("\n", "\r\n")));
      }

      @Override
      public void stderr(Buffer data) {
        stdout(data);
      }
    };
  }

  private static ExecSession print(ExecSession.Output out, String text) {
    out.stdout(Buffer.buffer(text));
    return ExecSession.ending(Future.succeededFuture(0));
  }

  private static ExecSession fail(ExecSession.Output out, String text) {
    out.stderr(Buffer.buffer(text));
    return ExecSession.ending(Future.succeededFuture(1));
  }
}
