package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;
import static io.dekube.apiserver.rest.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Tables of namespaces, nodes, configmaps, secrets, serviceaccounts, events, leases, runtimeclasses and role
 * bindings.
 */
final class ClusterPrinters {

  private ClusterPrinters() {
  }

  static TablePrinter namespaces() {
    return TablePrinter.of(List.of(Column.NAME, Column.string("Status", "The status of the namespace"),
        Column.AGE), (ns, now) -> List.of(name(ns), str(ns, "status", "phase"), age(ns, now)));
  }

  static TablePrinter nodes() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Status", "The status of the node"),
        Column.string("Roles", "The roles of the node"),
        Column.AGE,
        Column.string("Version", "Kubelet Version reported by the node."),
        Column.wide("Internal-IP", "List of addresses reachable to the node."),
        Column.wide("External-IP", "List of addresses reachable to the node."),
        Column.wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy))."),
        Column.wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."),
        Column.wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API.")),
        (n, now) -> List.of(name(n), nodeStatus(n), roles(n), age(n, now), str(n, "status", "nodeInfo", "kubeletVersion"),
            address(n, "InternalIP"), address(n, "ExternalIP"), unknown(str(n, "status", "nodeInfo", "osImage")),
            unknown(str(n, "status", "nodeInfo", "kernelVersion")),
            unknown(str(n, "status", "nodeInfo", "containerRuntimeVersion"))));
  }

  private static String nodeStatus(JsonNode n) {
    List<String> status = new ArrayList<>();
    for (JsonNode c : at(n, "status", "conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        status.add("True".equals(c.path("status").asText()) ? "Ready" : "NotReady");
        break;
      }
    }
    if (status.isEmpty()) {
      status.add("Unknown");
    }
    if (at(n, "spec", "unschedulable").asBoolean(false)) {
      status.add("SchedulingDisabled");
    }
    return String.join(",", status);
  }

  private static String roles(JsonNode n) {
    TreeSet<String> roles = new TreeSet<>();
    at(n, "metadata", "labels").fields().forEachRemaining(e -> {
      String k = e.getKey();
      if (k.startsWith("node-role.kubernetes.io/") && k.length() > "node-role.kubernetes.io/".length()) {
        roles.add(k.substring("node-role.kubernetes.io/".length()));
      } else if (k.equals("kubernetes.io/role") && !e.getValue().asText("").isEmpty()) {
        roles.add(e.getValue().asText());
      }
    });
    return roles.isEmpty() ? "<none>" : String.join(",", roles);
  }

  private static String address(JsonNode n, String type) {
    for (JsonNode a : at(n, "status", "addresses")) {
      if (type.equals(a.path("type").asText())) {
        return a.path("address").asText();
      }
    }
    return "<none>";
  }

  private static String unknown(String s) {
    return s.isEmpty() ? "<unknown>" : s;
  }

  static TablePrinter configMaps() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Data", "Data contains the configuration data."), Column.AGE),
        (c, now) -> List.of(name(c), (long) (at(c, "data").size() + at(c, "binaryData").size()), age(c, now)));
  }

  static TablePrinter secrets() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Type", "Used to facilitate programmatic handling of secret data."),
        Column.string("Data", "Data contains the secret data."), Column.AGE),
        (s, now) -> List.of(name(s), str(s, "type"), (long) at(s, "data").size(), age(s, now)));
  }

  static TablePrinter serviceAccounts() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Secrets", "Secrets is a list of the secrets in the same namespace that pods running using"
            + " this ServiceAccount are allowed to use."), Column.AGE),
        (sa, now) -> List.of(name(sa), (long) at(sa, "secrets").size(), age(sa, now)));
  }

  static TablePrinter leases() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Holder", "holderIdentity contains the identity of the holder of a current lease."),
        Column.AGE), (l, now) -> List.of(name(l), str(l, "spec", "holderIdentity"), age(l, now)));
  }

  static TablePrinter events() {
    return TablePrinter.of(List.of(
        Column.string("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
        Column.string("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
        Column.string("Reason", "This should be a short, machine understandable string that gives the reason for"
            + " the transition into the object's current status."),
        Column.string("Object", "The object that this event is about."),
        Column.wide("Subobject", "The path to the field of the involved object the event is about."),
        Column.wide("Source", "The component reporting this event."),
        Column.string("Message", "A human-readable description of the status of this operation."),
        Column.wide("First Seen", "The time at which the event was first recorded."),
        Column.wide("Count", "The number of times this event has occurred."),
        new Column("Name", "string", "name", Column.NAME.description(), 1)), ClusterPrinters::eventCells);
  }

  private static List<Object> eventCells(JsonNode event, Instant now) {
    // events.k8s.io/v1 objects print as the core ones, as kube prints both from one internal Event
    JsonNode e = event instanceof com.fasterxml.jackson.databind.node.ObjectNode o
        ? io.dekube.apiserver.conversion.EventConversion.asCore(o) : event;
    String first = str(e, "firstTimestamp").isEmpty() ? Cells.since(str(e, "eventTime"), now)
        : Cells.since(str(e, "firstTimestamp"), now);
    String last = str(e, "lastTimestamp").isEmpty() ? first : Cells.since(str(e, "lastTimestamp"), now);
    long count = at(e, "count").asLong(0);
    if (at(e, "series").isObject()) {
      last = Cells.since(str(e, "series", "lastObservedTime"), now);
      count = at(e, "series", "count").asLong(0);
    } else if (count == 0) {
      count = 1;
    }
    String kind = str(e, "involvedObject", "kind").toLowerCase(Locale.ROOT);
    String obj = str(e, "involvedObject", "name");
    String target = obj.isEmpty() ? kind : kind + "/" + obj;
    String component = firstNonEmpty(str(e, "source", "component"), str(e, "reportingComponent"));
    String instance = firstNonEmpty(str(e, "source", "host"), str(e, "reportingInstance"));
    String source = instance.isEmpty() ? component : component + ", " + instance;
    return List.of(last, str(e, "type"), str(e, "reason"), target, str(e, "involvedObject", "fieldPath"), source,
        str(e, "message").trim(), first, count, name(e));
  }

  private static String firstNonEmpty(String a, String b) {
    return a.isEmpty() ? b : a;
  }

  static TablePrinter roleBindings(String what) {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Role", "RoleRef can reference a Role in the current namespace or a ClusterRole in the"
            + " global namespace."), Column.AGE,
        Column.wide("Users", "Users in the " + what), Column.wide("Groups", "Groups in the " + what),
        Column.wide("ServiceAccounts", "ServiceAccounts in the " + what)), (b, now) -> {
          List<String> users = new ArrayList<>();
          List<String> groups = new ArrayList<>();
          List<String> sas = new ArrayList<>();
          for (JsonNode s : at(b, "subjects")) {
            switch (s.path("kind").asText()) {
              case "User" -> users.add(s.path("name").asText());
              case "Group" -> groups.add(s.path("name").asText());
              case "ServiceAccount" -> sas.add(s.path("namespace").asText("").isEmpty() ? s.path("name").asText()
                  : s.path("namespace").asText() + "/" + s.path("name").asText());
              default -> { }
            }
          }
          return List.of(name(b), str(b, "roleRef", "kind") + "/" + str(b, "roleRef", "name"), age(b, now),
              String.join(", ", users), String.join(", ", groups), String.join(", ", sas));
        });
  }

  static TablePrinter runtimeClasses() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Handler", "handler specifies the underlying runtime and configuration that the CRI "
            + "implementation will use to handle pods of this class."),
        Column.AGE),
        (rc, now) -> List.of(name(rc), at(rc, "handler").asText(""), age(rc, now)));
  }

  /** kube 1.32's {@code kubectl get csr}: NAME AGE SIGNERNAME REQUESTOR REQUESTEDDURATION CONDITION. */
  static TablePrinter certificateSigningRequests() {
    return TablePrinter.of(List.of(Column.NAME, Column.AGE,
        Column.string("SignerName", "signerName indicates the requested signer, and is a qualified name."),
        Column.string("Requestor", "request contains an x509 certificate signing request encoded in a \"CERTIFICATE "
            + "REQUEST\" PEM block."),
        Column.string("RequestedDuration", "expirationSeconds is the requested duration of validity of the issued "
            + "certificate."),
        Column.string("Condition", "conditions applied to the request. Known conditions are \"Approved\", "
            + "\"Denied\", and \"Failed\".")),
        (csr, now) -> {
          String signer = str(csr, "spec", "signerName");
          JsonNode seconds = at(csr, "spec", "expirationSeconds");
          return List.of(name(csr), age(csr, now), signer.isEmpty() ? "<none>" : signer,
              str(csr, "spec", "username"),
              seconds.isNumber() ? Cells.humanDuration(java.time.Duration.ofSeconds(seconds.asLong())) : "<none>",
              csrCondition(csr));
        });
  }

  /** Denied, else Approved, else Pending; then {@code ,Failed} and {@code ,Issued}, as kubectl's printer. */
  static String csrCondition(JsonNode csr) {
    boolean approved = false;
    boolean denied = false;
    boolean failed = false;
    for (JsonNode c : at(csr, "status", "conditions")) {
      switch (c.path("type").asText("")) {
        case "Approved" -> approved = true;
        case "Denied" -> denied = true;
        case "Failed" -> failed = true;
        default -> { }
      }
    }
    String s = denied ? "Denied" : approved ? "Approved" : "Pending";
    if (failed) {
      s += ",Failed";
    }
    if (!str(csr, "status", "certificate").isEmpty()) {
      s += ",Issued";
    }
    return s;
  }
}
