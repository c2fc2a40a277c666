package io.dekube.kubelet.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.kubelet.runtime.RuntimeImage;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's image list as the node's {@code status.images} takes it, in Docker's and Podman's shapes. */
class DockerImagesTest {

  @Test
  void digestsThenTagsWithTheEnginesSize() {
    assertEquals(new RuntimeImage("sha256:aa", List.of("docker.io/library/nginx@sha256:11",
        "docker.io/library/nginx:1.27", "docker.io/library/nginx:latest"), 72_000_000),
        DockerImages.listed(new JsonObject("{\"Id\":\"sha256:aa\",\"RepoTags\":[\"docker.io/library/nginx:1.27\","
            + "\"docker.io/library/nginx:latest\"],\"RepoDigests\":[\"docker.io/library/nginx@sha256:11\"],"
            + "\"Size\":72000000,\"VirtualSize\":72000000}")));
  }

  @Test
  void podmansNullTagsAndDockersPlaceholdersAreNoNames() {
    // podman: an imported image without a digest, a dangling one with "RepoTags": null; Docker: "<none>:<none>"
    assertEquals(new RuntimeImage("sha256:bb", List.of(), 1_997_895), DockerImages.listed(new JsonObject(
        "{\"Id\":\"sha256:bb\",\"RepoTags\":null,\"RepoDigests\":[],\"Size\":1997895,\"Dangling\":true}")));
    assertEquals(new RuntimeImage("sha256:cc", List.of(), 5), DockerImages.listed(new JsonObject(
        "{\"Id\":\"sha256:cc\",\"RepoTags\":[\"<none>:<none>\"],\"RepoDigests\":[\"<none>@<none>\"],\"Size\":5}")));
  }
}
