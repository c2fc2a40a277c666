package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiPathTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      "/api/v1/pods|''|v1|-|pods|-|-|false",
      "/api/v1/namespaces/default/pods|''|v1|default|pods|-|-|false",
      "/api/v1/namespaces/default/pods/web|''|v1|default|pods|web|-|false",
      "/api/v1/namespaces/default/pods/web/status|''|v1|default|pods|web|status|false",
      "/api/v1/namespaces|''|v1|-|namespaces|-|-|false",
      "/api/v1/namespaces/kube-decon|''|v1|-|namespaces|kube-decon|-|false",
      "/api/v1/namespaces/kube-decon/status|''|v1|-|namespaces|kube-decon|status|false",
      "/api/v1/namespaces/kube-decon/finalize|''|v1|-|namespaces|kube-decon|finalize|false",
      "/api/v1/nodes/n1/status|''|v1|-|nodes|n1|status|false",
      "/apis/apps/v1/namespaces/d/deployments/web/scale|apps|v1|d|deployments|web|scale|false",
      "/apis/apps/v1/deployments|apps|v1|-|deployments|-|-|false",
      "/api/v1/watch/namespaces/d/pods|''|v1|d|pods|-|-|true",
      "/api/v1/watch/pods|''|v1|-|pods|-|-|true",
      "/apis/networking.k8s.io/v1/watch/namespaces/d/ingresses/web|networking.k8s.io|v1|d|ingresses|web|-|true",
      "/apis/extensions/v1beta1/namespaces/d/ingresses/|extensions|v1beta1|d|ingresses|-|-|false",
      "/api/v1/namespaces/d/pods/web:8080/proxy/|''|v1|d|pods|web:8080|proxy|false",
      "/api/v1/namespaces/d/services/https:web:443/proxy/a/b|''|v1|d|services|https:web:443|proxy|false",
  })
  void parsesResourcePaths(String path, String group, String version, String ns, String resource, String name,
                           String sub, boolean watch) {
    ApiPath p = ApiPath.parse(path).orElseThrow();
    assertEquals(new ApiPath(group, version, ns, resource, name, sub, watch), p);
  }

  @ParameterizedTest
  @CsvSource({"/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version", "/healthz",
      "/api/v1/namespaces/d/pods/web/status/extra"})
  void otherPathsAreNotResourcePaths(String path) {
    assertEquals(Optional.empty(), ApiPath.parse(path));
  }

  @ParameterizedTest
  @CsvSource({"/api/v1/pods, v1", "/apis/apps/v1/deployments, apps/v1"})
  void apiVersion(String path, String apiVersion) {
    assertEquals(apiVersion, ApiPath.parse(path).orElseThrow().apiVersion());
    assertTrue(!ApiPath.parse(path).orElseThrow().named());
  }
}
