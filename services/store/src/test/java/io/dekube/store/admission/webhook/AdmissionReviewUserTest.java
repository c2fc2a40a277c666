package io.dekube.store.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.serviceaccount.ServiceAccountInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A webhook's {@code request.userInfo} is kube's user.Info: a ServiceAccount token's extra goes with it. */
class AdmissionReviewUserTest {

  @Test
  void theUsersExtraReachesTheWebhook() {
    UserInfo user = new ServiceAccountInfo("x", "robot", "sa-uid", "web", "pod-uid", "JTI=j1", "kube-node-01", "")
        .userInfo().withGroup(UserInfo.AUTHENTICATED);
    ObjectNode pod = Json.object();
    Json.metadata(pod).put("name", "p").put("namespace", "x");
    AdmissionAttributes a = new AdmissionAttributes(AdmissionAttributes.CREATE,
        ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow(), "v1", "", "x", "p", pod, null, false,
        Json.object(), user);
    ObjectNode info = (ObjectNode) AdmissionReviews.request(a, "uid-1", "v1").path("request").path("userInfo");
    assertEquals("{\"username\":\"system:serviceaccount:x:robot\",\"uid\":\"sa-uid\",\"groups\":[\"system:serviceaccounts"
        + "\",\"system:serviceaccounts:x\",\"system:authenticated\"],\"extra\":{\"authentication.kubernetes.io/"
        + "credential-id\":[\"JTI=j1\"],\"authentication.kubernetes.io/node-name\":[\"kube-node-01\"],"
        + "\"authentication.kubernetes.io/pod-name\":[\"web\"],\"authentication.kubernetes.io/pod-uid\":[\"pod-uid\"]}}",
        info.toString());
    assertEquals(List.of("JTI=j1"), user.extra().get(UserInfo.CREDENTIAL_ID));
  }
}
