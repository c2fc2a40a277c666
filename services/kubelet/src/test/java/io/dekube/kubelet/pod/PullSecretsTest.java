package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.core.model.Json;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** "Pull an Image from a Private Registry": a pod naming a pull Secret that is not there. */
class PullSecretsTest {

  private final MapLookup lookup = new MapLookup();

  private static Pod pod(String... secrets) {
    PodBuilder b = new PodBuilder().withNewMetadata().withName("private-reg").withNamespace("default").endMetadata()
        .withNewSpec().addNewContainer().withName("private-reg-container").withImage("busybox").endContainer()
        .endSpec();
    for (String s : secrets) {
      b.editSpec().addNewImagePullSecret(s).endSpec();
    }
    return b.build();
  }

  @Test
  void missingPullSecretsAreNamedInKubesWords() {
    assertEquals("Unable to retrieve some image pull secrets (regcred); attempting to pull the image may not "
        + "succeed.", PullSecrets.missing(pod("regcred"), lookup));
    lookup.secrets.put("regcred", Json.object());
    assertNull(PullSecrets.missing(pod("regcred"), lookup));
    assertEquals("Unable to retrieve some image pull secrets (a, b); attempting to pull the image may not "
        + "succeed.", PullSecrets.missing(pod("a", "regcred", "", "b"), lookup));
  }

  @Test
  void aPodWithoutPullSecretsOrWithAnEmptyNameHasNoWarning() {
    assertNull(PullSecrets.missing(pod(), lookup));
    assertNull(PullSecrets.missing(pod(""), lookup));
  }
}
