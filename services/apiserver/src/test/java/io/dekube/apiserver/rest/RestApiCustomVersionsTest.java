package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.codec.VersionConverter;
import io.dekube.apiserver.crd.CustomVersions;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.model.Json;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The versions of a CRD served each with its own subresources, as kube's {@code spec.versions[*].subresources}. */
class RestApiCustomVersionsTest extends RestApiTestBase {

  @Override
  protected Codecs codecs() {
    return Codecs.jsonOnly().withVersions(new CustomVersions(registry, VersionConverter.NONE));
  }

  @BeforeEach
  void serveCronTabs() throws Exception {
    registry.serve(CrdParser.kind(Json.YAML.readTree("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: crontabs.stable.example.com}
        spec:
          group: stable.example.com
          scope: Namespaced
          names: {plural: crontabs, singular: crontab, kind: CronTab}
          versions:
          - {name: v1, served: true, storage: true, subresources: {status: {}}}
          - {name: v2, served: true, storage: false, subresources: {scale: {specReplicasPath: .spec.replicas,
              statusReplicasPath: .status.replicas}}}
        """)));
  }

  @Test
  void eachVersionRoutesItsOwnSubresources() throws Exception {
    HttpFixture.Res created = http.post("/apis/stable.example.com/v2/namespaces/ns1/crontabs", HttpFixture.json(
        "{'apiVersion':'stable.example.com/v2','kind':'CronTab','metadata':{'name':'c'},'spec':{'replicas':2}}"));
    assertEquals(201, created.code(), created.raw());
    assertEquals(200, http.get("/apis/stable.example.com/v1/namespaces/ns1/crontabs/c/status").code());
    assertStatus(http.get("/apis/stable.example.com/v2/namespaces/ns1/crontabs/c/status"), 404, "NotFound",
        "the server could not find the requested resource");
    assertEquals(2, http.get("/apis/stable.example.com/v2/namespaces/ns1/crontabs/c/scale").body()
        .at("/spec/replicas").asInt(), "v2's scale subresource");
    assertStatus(http.get("/apis/stable.example.com/v1/namespaces/ns1/crontabs/c/scale"), 404, "NotFound",
        "the server could not find the requested resource");
  }
}
