package io.dekube.apiserver.rest.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PrintersTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final String CREATED = "'creationTimestamp':'2024-05-01T11:55:00Z'";

  private static ObjectNode obj(String json) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(json, e);
    }
  }

  static Stream<Arguments> rows() {
    return Stream.of(
        Arguments.of("pending csr", "certificatesigningrequests.certificates.k8s.io", "{'metadata':{'name':'erin',"
            + CREATED + "},'spec':{'username':'kubernetes-admin'}}",
            List.of("erin", "5m", "<none>", "kubernetes-admin", "<none>", "Pending")),
        Arguments.of("issued csr", "certificatesigningrequests.certificates.k8s.io", "{'metadata':{'name':'erin',"
            + CREATED + "},'spec':{'signerName':'kubernetes.io/kube-apiserver-client','username':'u',"
            + "'expirationSeconds':86400},'status':{'conditions':[{'type':'Approved'}],'certificate':'LS0t'}}",
            List.of("erin", "5m", "kubernetes.io/kube-apiserver-client", "u", "24h", "Approved,Issued")),
        Arguments.of("denied csr", "certificatesigningrequests.certificates.k8s.io", "{'metadata':{'name':'x',"
            + CREATED + "},'spec':{'username':'u','expirationSeconds':600},'status':{'conditions':[{'type':'Approved'},"
            + "{'type':'Denied'},{'type':'Failed'}]}}", List.of("x", "5m", "<none>", "u", "10m", "Denied,Failed")),
        Arguments.of("resource quota", "resourcequotas", "{'metadata':{'name':'compute'," + CREATED + "},'status':{'hard':"
            + "{'pods':'2','requests.cpu':'1','limits.memory':'1Gi','count/pods':'5'},'used':{'pods':'2','requests.cpu':'500m',"
            + "'limits.memory':'256Mi'}}}", List.of("compute", "5m", "count/pods: 0/5, pods: 2/2, requests.cpu: 500m/1",
            "limits.memory: 256Mi/1Gi")),
        Arguments.of("pending pod", "pods", "{'metadata':{'name':'p'," + CREATED + "},'spec':{'containers':[{'name':'a'}]},"
            + "'status':{'phase':'Pending'}}", List.of("p", "0/1", "Pending", "0", "5m", "<none>", "<none>", "<none>", "<none>")),
        Arguments.of("running pod", "pods", "{'metadata':{'name':'web-1'," + CREATED + "},'spec':{'nodeName':'n1',"
            + "'containers':[{'name':'a'},{'name':'b'}]},'status':{'phase':'Running','podIP':'127.244.1.5','podIPs':"
            + "[{'ip':'127.244.1.5'}],'containerStatuses':[{'name':'a','ready':true,'restartCount':0,'state':{'running':{}}},"
            + "{'name':'b','ready':true,'restartCount':2,'state':{'running':{}},'lastState':{'terminated':"
            + "{'exitCode':1,'finishedAt':'2024-05-01T11:59:00Z'}}}]}}",
            List.of("web-1", "2/2", "Running", "2 (60s ago)", "5m", "127.244.1.5", "n1", "<none>", "<none>")),
        Arguments.of("creating pod", "pods", "{'metadata':{'name':'p'," + CREATED + "},'spec':{'containers':[{'name':'a'}]},"
            + "'status':{'phase':'Pending','containerStatuses':[{'name':'a','ready':false,'restartCount':0,"
            + "'state':{'waiting':{'reason':'ContainerCreating'}}}]}}",
            List.of("p", "0/1", "ContainerCreating", "0", "5m", "<none>", "<none>", "<none>", "<none>")),
        Arguments.of("init pod", "pods", "{'metadata':{'name':'p'," + CREATED + "},'spec':{'initContainers':[{'name':'i'}],"
            + "'containers':[{'name':'a'}]},'status':{'phase':'Pending','initContainerStatuses':[{'name':'i',"
            + "'restartCount':0,'state':{'running':{}}}]}}",
            List.of("p", "0/1", "Init:0/1", "0", "5m", "<none>", "<none>", "<none>", "<none>")),
        Arguments.of("terminating pod", "pods", "{'metadata':{'name':'p'," + CREATED + ",'deletionTimestamp':"
            + "'2024-05-01T11:59:00Z'},'spec':{'containers':[{'name':'a'}],'readinessGates':[{'conditionType':'x'}]},"
            + "'status':{'phase':'Running','conditions':[{'type':'x','status':'True'}]}}",
            List.of("p", "0/1", "Terminating", "0", "5m", "<none>", "<none>", "<none>", "1/1")),
        Arguments.of("deployment", "deployments.apps", "{'metadata':{'name':'web'," + CREATED + "},'spec':{'replicas':3,"
            + "'selector':{'matchLabels':{'app':'web'}},'template':{'spec':{'containers':[{'name':'web','image':"
            + "'dekube/web:v1'},{'name':'side','image':'busybox'}]}}},'status':{'readyReplicas':2,"
            + "'updatedReplicas':3,'availableReplicas':2}}",
            List.of("web", "2/3", 3L, 2L, "5m", "web,side", "dekube/web:v1,busybox", "app=web")),
        Arguments.of("fresh deployment", "deployments.apps", "{'metadata':{'name':'web'},'spec':{'replicas':1}}",
            List.of("web", "0/1", 0L, 0L, "<unknown>", "", "", "")),
        Arguments.of("replicaset", "replicasets.apps", "{'metadata':{'name':'web-1'," + CREATED + "},'spec':{'replicas':3,"
            + "'selector':{},'template':{'spec':{'containers':[{'name':'web','image':'i'}]}}},'status':{'replicas':3,"
            + "'readyReplicas':1}}", List.of("web-1", 3L, 3L, 1L, "5m", "web", "i", "<none>")),
        Arguments.of("replicationcontroller", "replicationcontrollers", "{'metadata':{'name':'nginx'," + CREATED
            + "},'spec':{'replicas':3,'selector':{'tier':'web','app':'nginx'},'template':{'spec':{'containers':"
            + "[{'name':'nginx','image':'nginx'}]}}},'status':{'replicas':2,'readyReplicas':1}}",
            List.of("nginx", 3L, 2L, 1L, "5m", "nginx", "nginx", "app=nginx,tier=web")),
        Arguments.of("networkpolicy", "networkpolicies.networking.k8s.io", "{'metadata':{'name':'access-nginx',"
            + CREATED + "},'spec':{'podSelector':{'matchLabels':{'app':'nginx'}}}}", List.of("access-nginx", "app=nginx",
            "5m")),
        Arguments.of("default deny networkpolicy", "networkpolicies.networking.k8s.io", "{'metadata':{'name':'deny',"
            + CREATED + "},'spec':{'podSelector':{}}}", List.of("deny", "<none>", "5m")),
        Arguments.of("statefulset", "statefulsets.apps", "{'metadata':{'name':'db'," + CREATED + "},'spec':{'replicas':2},"
            + "'status':{'readyReplicas':1}}", List.of("db", "1/2", "5m", "", "")),
        Arguments.of("cluster ip service", "services", "{'metadata':{'name':'web'," + CREATED + "},'spec':{'type':"
            + "'ClusterIP','clusterIP':'127.96.0.12','clusterIPs':['127.96.0.12'],'ports':[{'port':80,'protocol':'TCP'}],"
            + "'selector':{'app':'web'}}}", List.of("web", "ClusterIP", "127.96.0.12", "<none>", "80/TCP", "5m", "app=web")),
        Arguments.of("load balancer service", "services", "{'metadata':{'name':'lb'," + CREATED + "},'spec':{'type':"
            + "'LoadBalancer','clusterIPs':['127.96.0.13'],'ports':[{'port':80,'nodePort':30080,'protocol':'TCP'},"
            + "{'port':53,'protocol':'UDP'}]},'status':{'loadBalancer':{}}}",
            List.of("lb", "LoadBalancer", "127.96.0.13", "<pending>", "80:30080/TCP,53/UDP", "5m", "<none>")),
        Arguments.of("ingress", "ingresses.networking.k8s.io", "{'metadata':{'name':'web'," + CREATED + "},'spec':{"
            + "'ingressClassName':'dekube','rules':[{'host':'web.local'},{'host':'api.local'}],'tls':[{}]},'status':"
            + "{'loadBalancer':{'ingress':[{'ip':'127.0.0.1'}]}}}",
            List.of("web", "dekube", "web.local,api.local", "127.0.0.1", "80, 443", "5m")),
        Arguments.of("ingress without rules", "ingresses.networking.k8s.io", "{'metadata':{'name':'w'},'spec':{}}",
            List.of("w", "<none>", "*", "", "80", "<unknown>")),
        Arguments.of("namespace", "namespaces", "{'metadata':{'name':'kube-decon'," + CREATED + "},'status':{'phase':"
            + "'Active'}}", List.of("kube-decon", "Active", "5m")),
        Arguments.of("node", "nodes", "{'metadata':{'name':'n1'," + CREATED + ",'labels':{'node-role.kubernetes.io/"
            + "control-plane':'','kubernetes.io/role':'worker'}},'spec':{'unschedulable':true},'status':{'conditions':"
            + "[{'type':'Ready','status':'True'}],'addresses':[{'type':'InternalIP','address':'127.0.1.1'}],"
            + "'nodeInfo':{'kubeletVersion':'v1.32.0','osImage':'dekube'}}}",
            List.of("n1", "Ready,SchedulingDisabled", "control-plane,worker", "5m", "v1.32.0", "127.0.1.1", "<none>",
                "dekube", "<unknown>", "<unknown>")),
        Arguments.of("endpoints", "endpoints", "{'metadata':{'name':'web'," + CREATED + "},'subsets':[{'addresses':"
            + "[{'ip':'10.0.0.1'},{'ip':'10.0.0.2'}],'ports':[{'port':80},{'port':443}]}]}",
            List.of("web", "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...", "5m")),
        Arguments.of("configmap", "configmaps", "{'metadata':{'name':'c'," + CREATED + "},'data':{'a':'1','b':'2'},"
            + "'binaryData':{'c':'AA=='}}", List.of("c", 3L, "5m")),
        Arguments.of("secret", "secrets", "{'metadata':{'name':'s'," + CREATED + "},'type':'Opaque','data':{'a':'MQ=='}}",
            List.of("s", "Opaque", 1L, "5m")),
        Arguments.of("serviceaccount", "serviceaccounts", "{'metadata':{'name':'default'," + CREATED + "}}",
            List.of("default", 0L, "5m")),
        Arguments.of("event", "events", "{'metadata':{'name':'web.17'},'involvedObject':{'kind':'Pod','name':'web',"
            + "'fieldPath':'spec.containers{web}'},'reason':'Pulled','type':'Normal','message':' done ',"
            + "'source':{'component':'kubelet','host':'n1'},'firstTimestamp':'2024-05-01T11:00:00Z',"
            + "'lastTimestamp':'2024-05-01T11:59:30Z','count':4}",
            List.of("30s", "Normal", "Pulled", "pod/web", "spec.containers{web}", "kubelet, n1", "done", "60m", 4L,
                "web.17")),
        Arguments.of("lease", "leases.coordination.k8s.io", "{'metadata':{'name':'n1'," + CREATED + "},'spec':"
            + "{'holderIdentity':'n1'}}", List.of("n1", "n1", "5m")),
        Arguments.of("role binding", "rolebindings.rbac.authorization.k8s.io", "{'metadata':{'name':'rb'," + CREATED
            + "},'roleRef':{'kind':'Role','name':'r'},'subjects':[{'kind':'User','name':'alice'},{'kind':"
            + "'ServiceAccount','namespace':'ns','name':'sa'}]}", List.of("rb", "Role/r", "5m", "alice", "", "ns/sa")),
        Arguments.of("controller revision", "controllerrevisions.apps", "{'metadata':{'name':'r1'," + CREATED + ","
            + "'ownerReferences':[{'apiVersion':'apps/v1','kind':'DaemonSet','name':'ds','controller':true}]},"
            + "'revision':2}", List.of("r1", "daemonset.apps/ds", 2L, "5m")),
        Arguments.of("default table", "clusterroles.rbac.authorization.k8s.io", "{'metadata':{'name':'admin',"
            + CREATED + "}}", List.of("admin", "2024-05-01T11:55:00Z")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void cells(String name, String resource, String object, List<Object> expected) {
    ResourceType type = REGISTRY.byResourceName(resource).orElseThrow();
    TablePrinter p = Printers.of(type);
    List<Object> cells = p.cells(obj(object), NOW);
    assertEquals(expected, cells);
    assertEquals(p.columns().size(), cells.size(), "one cell per column");
  }

  @Test
  void podColumnsMatchKubectl() {
    List<Column> cols = Printers.of(REGISTRY.byResourceName("pods").orElseThrow()).columns();
    assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"),
        cols.stream().map(Column::name).toList());
    assertEquals(List.of(0, 0, 0, 0, 0, 1, 1, 1, 1), cols.stream().map(Column::priority).toList());
    assertEquals("name", cols.get(0).format());
  }

  @Test
  void tableWithPartialMetadataRows() {
    TablePrinter p = Printers.of(REGISTRY.byResourceName("pods").orElseThrow());
    ObjectNode pod = obj("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'d'},'spec':{},"
        + "'status':{'phase':'Succeeded'}}");
    ObjectNode meta = obj("{'resourceVersion':'12'}");
    ObjectNode t = TableBuilder.table(p, List.of(pod), IncludeObject.METADATA, "v1", meta, true, NOW);
    assertEquals("Table", t.path("kind").asText());
    assertEquals("meta.k8s.io/v1", t.path("apiVersion").asText());
    assertEquals("12", t.at("/metadata/resourceVersion").asText());
    assertEquals(9, t.path("columnDefinitions").size());
    assertEquals("PartialObjectMetadata", t.at("/rows/0/object/kind").asText());
    assertEquals("d", t.at("/rows/0/object/metadata/namespace").asText());
    assertFalse(t.at("/rows/0/object").has("spec"));
    assertEquals("Completed", t.at("/rows/0/conditions/0/type").asText());
    ObjectNode none = TableBuilder.table(p, List.of(pod), IncludeObject.NONE, "v1beta1", null, false, NOW);
    assertEquals(0, none.path("columnDefinitions").size());
    assertNull(none.at("/rows/0").get("object"));
    assertEquals("Pod", TableBuilder.table(p, List.of(pod), IncludeObject.OBJECT, "v1", null, true, NOW)
        .at("/rows/0/object/kind").asText());
  }
}
