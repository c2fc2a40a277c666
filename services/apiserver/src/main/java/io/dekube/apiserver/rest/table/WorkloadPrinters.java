package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;
import static io.dekube.apiserver.rest.table.Cells.num;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;

/**
 * Tables of the workloads: the apps/v1 deployments, replicasets, daemonsets, statefulsets,
 * controllerrevisions, and core/v1 replicationcontrollers and podtemplates.
 */
final class WorkloadPrinters {

  private static final String CONTAINERS = "Names of each container in the template.";
  private static final String IMAGES = "Images referenced by each container in the template.";
  private static final String SELECTOR = "Label query over pods that should match the replica count.";

  private WorkloadPrinters() {
  }

  static TablePrinter deployments() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Ready", "Number of the pod with ready state"),
        Column.string("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the"
            + " desired template spec."),
        Column.string("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by"
            + " this deployment."),
        Column.AGE, Column.wide("Containers", CONTAINERS), Column.wide("Images", IMAGES),
        Column.wide("Selector", SELECTOR)), (d, now) -> {
          String[] c = Cells.containers(at(d, "spec", "template", "spec", "containers"));
          return List.of(name(d), num(d, "status", "readyReplicas") + "/" + num(d, "spec", "replicas"),
              num(d, "status", "updatedReplicas"), num(d, "status", "availableReplicas"), age(d, now),
              c[0], c[1], Cells.selector(at(d, "spec", "selector")));
        });
  }

  static TablePrinter replicaSets() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Desired", "Replicas is the number of desired replicas."),
        Column.integer("Current", "Replicas is the most recently observed number of replicas."),
        Column.integer("Ready", "The number of ready replicas for this replica set."),
        Column.AGE, Column.wide("Containers", CONTAINERS), Column.wide("Images", IMAGES),
        Column.wide("Selector", SELECTOR)), (rs, now) -> {
          String[] c = Cells.containers(at(rs, "spec", "template", "spec", "containers"));
          return List.of(name(rs), num(rs, "spec", "replicas"), num(rs, "status", "replicas"),
              num(rs, "status", "readyReplicas"), age(rs, now), c[0], c[1],
              Cells.formatSelector(at(rs, "spec", "selector")));
        });
  }

  /** As a ReplicaSet's, but the selector is a plain label map (printed as kube's {@code labels.FormatLabels}). */
  static TablePrinter replicationControllers() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Desired", "Replicas is the number of desired replicas. This is a pointer to distinguish"
            + " between explicit zero and unspecified. Defaults to 1. More info:"
            + " https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
        Column.integer("Current", "Replicas is the most recently observed number of replicas. More info:"
            + " https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#what-is-a-replicationcontroller"),
        Column.integer("Ready", "The number of ready replicas for this replication controller."),
        Column.AGE, Column.wide("Containers", CONTAINERS), Column.wide("Images", IMAGES),
        Column.wide("Selector", "Selector is a label query over pods that should match the Replicas count. If"
            + " Selector is empty, it is defaulted to the labels present on the Pod template. Label keys and values"
            + " that must match in order to be controlled by this replication controller, if empty defaulted to"
            + " labels on Pod template. More info:"
            + " https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors")),
        (rc, now) -> {
          String[] c = Cells.containers(at(rc, "spec", "template", "spec", "containers"));
          return List.of(name(rc), num(rc, "spec", "replicas"), num(rc, "status", "replicas"),
              num(rc, "status", "readyReplicas"), age(rc, now), c[0], c[1],
              Cells.formatLabels(at(rc, "spec", "selector")));
        });
  }

  static TablePrinter daemonSets() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Desired", "The total number of nodes that should be running the daemon pod."),
        Column.integer("Current", "The number of nodes that are running at least 1 daemon pod."),
        Column.integer("Ready", "The number of nodes that should be running the daemon pod and have one or more"
            + " of the daemon pod running and ready."),
        Column.integer("Up-to-date", "The total number of nodes that are running updated daemon pod"),
        Column.integer("Available", "The number of nodes that should be running the daemon pod and have one or"
            + " more of the daemon pod running and available."),
        Column.string("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
        Column.AGE, Column.wide("Containers", CONTAINERS), Column.wide("Images", IMAGES),
        Column.wide("Selector", SELECTOR)), (ds, now) -> {
          String[] c = Cells.containers(at(ds, "spec", "template", "spec", "containers"));
          return List.of(name(ds), num(ds, "status", "desiredNumberScheduled"),
              num(ds, "status", "currentNumberScheduled"), num(ds, "status", "numberReady"),
              num(ds, "status", "updatedNumberScheduled"), num(ds, "status", "numberAvailable"),
              Cells.formatLabels(at(ds, "spec", "template", "spec", "nodeSelector")), age(ds, now), c[0], c[1],
              Cells.formatSelector(at(ds, "spec", "selector")));
        });
  }

  static TablePrinter statefulSets() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Ready", "Number of the pod with ready state"),
        Column.AGE, Column.wide("Containers", CONTAINERS), Column.wide("Images", IMAGES)), (s, now) -> {
          String[] c = Cells.containers(at(s, "spec", "template", "spec", "containers"));
          return List.of(name(s), num(s, "status", "readyReplicas") + "/" + num(s, "spec", "replicas"),
              age(s, now), c[0], c[1]);
        });
  }

  static TablePrinter controllerRevisions() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Controller", "Controller of the object"),
        Column.string("Revision", "Revision indicates the revision of the state represented by Data."),
        Column.AGE), (r, now) -> List.of(name(r), controller(r), num(r, "revision"), age(r, now)));
  }

  /** The controller owner as {@code kind.group/name}, lower-cased kind, or {@code <none>}. */
  static String controller(JsonNode o) {
    for (JsonNode ref : at(o, "metadata", "ownerReferences")) {
      if (ref.path("controller").asBoolean(false)) {
        String apiVersion = ref.path("apiVersion").asText("");
        int slash = apiVersion.indexOf('/');
        String kind = ref.path("kind").asText("");
        String gk = slash < 0 ? kind : kind + "." + apiVersion.substring(0, slash);
        return gk.toLowerCase(Locale.ROOT) + "/" + ref.path("name").asText("");
      }
    }
    return "<none>";
  }

  static TablePrinter podTemplates() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Containers", "Names of each container in the template."),
        Column.string("Images", "Images referenced by each container in the template."),
        Column.string("Pod Labels", "The labels for the pod template.")),
        (t, now) -> {
          String[] c = Cells.containers(at(t, "template", "spec", "containers"));
          return List.of(name(t), c[0], c[1], Cells.formatLabels(at(t, "template", "metadata", "labels")));
        });
  }
}
