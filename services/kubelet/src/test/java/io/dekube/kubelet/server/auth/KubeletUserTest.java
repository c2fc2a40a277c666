package io.dekube.kubelet.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.core.pki.ClusterPki;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeletUserTest {

  @TempDir
  Path dir;

  @Test
  void theCommonNameIsTheUserAndTheOrganizationsItsGroupsAsKubesX509Authenticator() {
    ClusterPki pki = ClusterPki.loadOrCreate(dir);
    KubeletUser user = KubeletUser.of(pki.issueClientCertificate("jane", List.of("site-viewers", "dev, ops"))
        .certificate());
    assertEquals(new KubeletUser("jane", List.of("site-viewers", "dev, ops", KubeletUser.AUTHENTICATED)), user);
    KubeletUser node = KubeletUser.of(pki.issueClientCertificate("system:node:kube-node-01", List.of("system:nodes"))
        .certificate());
    assertEquals(new KubeletUser("system:node:kube-node-01", List.of("system:nodes", KubeletUser.AUTHENTICATED)), node);
  }
}
