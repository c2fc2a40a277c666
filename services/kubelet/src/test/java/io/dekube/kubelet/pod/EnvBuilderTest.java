package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.Typed;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvBuilderTest {

  private static final EnvBuilder.PodInfo INFO = new EnvBuilder.PodInfo("127.244.2.7", "127.0.1.2", "4", "8Gi");

  private static ObjectNode tree(String json) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(json.replace('\'', '"').replace("[\"app\"]", "['app']"));
  }

  private static Pod pod(String env) throws Exception {
    return Typed.from(tree("{'metadata':{'name':'web','namespace':'shop','uid':'u-1','labels':{'app':'web'}},"
        + "'spec':{'nodeName':'kube-node-02','containers':[{'name':'c','image':'dekube/web',"
        + "'resources':{'limits':{'memory':'64Mi'},'requests':{'cpu':'250m'}}," + env + "}]}}"), Pod.class);
  }

  private static final class Lookup implements EnvBuilder.Lookup {
    final Map<String, ObjectNode> objects;

    Lookup(Map<String, ObjectNode> objects) {
      this.objects = objects;
    }

    @Override
    public ObjectNode configMap(String namespace, String name) {
      return objects.get("cm/" + namespace + "/" + name);
    }

    @Override
    public ObjectNode secret(String namespace, String name) {
      return objects.get("secret/" + namespace + "/" + name);
    }

    @Override
    public List<ObjectNode> services(String namespace) {
      return objects.entrySet().stream().filter(e -> e.getKey().startsWith("svc/" + namespace + "/"))
          .map(Map.Entry::getValue).toList();
    }
  }

  @Test
  void plainValuesExpandEarlierVariablesAndTheRuntimeAddsHostnameAndPath() throws Exception {
    Pod p = pod("'env':[{'name':'A','value':'x'},{'name':'B','value':'$(A)-$(MISSING)-$$(A)'}]");
    Map<String, String> env = EnvBuilder.build(p, p.getSpec().getContainers().get(0), INFO, new Lookup(Map.of()));
    assertEquals("x", env.get("A"));
    assertEquals("x-$(MISSING)-$(A)", env.get("B"));
    assertEquals("web", env.get("HOSTNAME"));
    assertEquals(EnvBuilder.PATH, env.get("PATH"));
  }

  @Test
  void fieldAndResourceReferences() throws Exception {
    Pod p = pod("'env':[{'name':'N','valueFrom':{'fieldRef':{'fieldPath':'metadata.namespace'}}},"
        + "{'name':'IP','valueFrom':{'fieldRef':{'fieldPath':'status.podIP'}}},"
        + "{'name':'HOST','valueFrom':{'fieldRef':{'fieldPath':'status.hostIP'}}},"
        + "{'name':'NODE','valueFrom':{'fieldRef':{'fieldPath':'spec.nodeName'}}},"
        + "{'name':'APP','valueFrom':{'fieldRef':{'fieldPath':'metadata.labels['app']'}}},"
        + "{'name':'MEM','valueFrom':{'resourceFieldRef':{'resource':'limits.memory','divisor':'1Mi'}}},"
        + "{'name':'CPU','valueFrom':{'resourceFieldRef':{'resource':'requests.cpu','divisor':'1m'}}},"
        + "{'name':'CPULIMIT','valueFrom':{'resourceFieldRef':{'resource':'limits.cpu'}}}]");
    Map<String, String> env = EnvBuilder.build(p, p.getSpec().getContainers().get(0), INFO, new Lookup(Map.of()));
    assertEquals("shop", env.get("N"));
    assertEquals("127.244.2.7", env.get("IP"));
    assertEquals("127.0.1.2", env.get("HOST"));
    assertEquals("kube-node-02", env.get("NODE"));
    assertEquals("web", env.get("APP"));
    assertEquals("64", env.get("MEM"));
    assertEquals("250", env.get("CPU"));
    assertEquals("4", env.get("CPULIMIT"), "no limit: the node's allocatable");
  }

  @Test
  void configMapsSecretsAndEnvFrom() throws Exception {
    Lookup lookup = new Lookup(Map.of(
        "cm/shop/conf", tree("{'data':{'color':'blue','size':'L'}}"),
        "secret/shop/pw", tree("{'data':{'password':'czNjcjN0'}}")));
    Pod p = pod("'envFrom':[{'prefix':'CONF_','configMapRef':{'name':'conf'}}],"
        + "'env':[{'name':'COLOR','valueFrom':{'configMapKeyRef':{'name':'conf','key':'color'}}},"
        + "{'name':'PW','valueFrom':{'secretKeyRef':{'name':'pw','key':'password'}}},"
        + "{'name':'OPT','valueFrom':{'configMapKeyRef':{'name':'nope','key':'k','optional':true}}}]");
    Map<String, String> env = EnvBuilder.build(p, p.getSpec().getContainers().get(0), INFO, lookup);
    assertEquals("blue", env.get("CONF_color"));
    assertEquals("L", env.get("CONF_size"));
    assertEquals("blue", env.get("COLOR"));
    assertEquals("s3cr3t", env.get("PW"));
    assertFalse(env.containsKey("OPT"));
  }

  @Test
  void aMissingConfigMapKeyIsAConfigError() throws Exception {
    Lookup lookup = new Lookup(Map.of("cm/shop/conf", tree("{'data':{}}")));
    Pod p = pod("'env':[{'name':'C','valueFrom':{'configMapKeyRef':{'name':'conf','key':'color'}}}]");
    ContainerStartException e = assertThrows(ContainerStartException.class,
        () -> EnvBuilder.build(p, p.getSpec().getContainers().get(0), INFO, lookup));
    assertEquals("CreateContainerConfigError", e.reason());
    assertEquals("couldn't find key color in ConfigMap shop/conf", e.getMessage());
    Pod q = pod("'env':[{'name':'C','valueFrom':{'secretKeyRef':{'name':'gone','key':'k'}}}]");
    ContainerStartException missing = assertThrows(ContainerStartException.class,
        () -> EnvBuilder.build(q, q.getSpec().getContainers().get(0), INFO, lookup));
    assertEquals("secret \"gone\" not found", missing.getMessage());
  }

  @Test
  void serviceVariablesOfServicesWithAClusterIp() throws Exception {
    Lookup lookup = new Lookup(Map.of(
        "svc/shop/kube-decon", tree("{'metadata':{'name':'kube-decon'},'spec':{'clusterIP':'127.96.0.20',"
            + "'ports':[{'name':'http','port':80,'protocol':'TCP'}]}}"),
        "svc/shop/headless", tree("{'metadata':{'name':'headless'},'spec':{'clusterIP':'None','ports':[{'port':1}]}}"),
        "svc/default/kubernetes", tree("{'metadata':{'name':'kubernetes'},'spec':{'clusterIP':'127.96.0.1',"
            + "'ports':[{'name':'https','port':443,'protocol':'TCP'}]}}")));
    Pod p = pod("'env':[]");
    Map<String, String> env = EnvBuilder.build(p, p.getSpec().getContainers().get(0), INFO, lookup);
    assertEquals("127.96.0.20", env.get("KUBE_DECON_SERVICE_HOST"));
    assertEquals("80", env.get("KUBE_DECON_SERVICE_PORT"));
    assertEquals("80", env.get("KUBE_DECON_SERVICE_PORT_HTTP"));
    assertEquals("tcp://127.96.0.20:80", env.get("KUBE_DECON_PORT"));
    assertEquals("tcp://127.96.0.20:80", env.get("KUBE_DECON_PORT_80_TCP"));
    assertEquals("127.96.0.20", env.get("KUBE_DECON_PORT_80_TCP_ADDR"));
    assertEquals("127.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
    assertTrue(env.keySet().stream().noneMatch(k -> k.startsWith("HEADLESS")));
  }

  /** The ConfigMap docs' {@code command: [/bin/sh, -c, "echo $(SPECIAL_LEVEL_KEY) $(SPECIAL_TYPE_KEY)"]}. */
  @Test
  void commandAndArgsReferencesAreTheEnvironmentsValues() {
    var c = new io.fabric8.kubernetes.api.model.ContainerBuilder().withName("c").withImage("busybox")
        .withCommand("/bin/sh", "-c", "echo $(SPECIAL_LEVEL_KEY) $(SPECIAL_TYPE_KEY) $(NOPE) $$(SPECIAL_LEVEL_KEY)")
        .withArgs("$(SPECIAL_TYPE_KEY)").build();
    var expanded = EnvBuilder.expandCommandAndArgs(c, Map.of("SPECIAL_LEVEL_KEY", "very", "SPECIAL_TYPE_KEY", "charm"));
    assertEquals(List.of("/bin/sh", "-c", "echo very charm $(NOPE) $(SPECIAL_LEVEL_KEY)"), expanded.getCommand());
    assertEquals(List.of("charm"), expanded.getArgs());
  }
}
