package io.dekube.apiserver.admission.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.apiserver.ApiServerFixture;
import io.dekube.apiserver.semantics.Kubectl;
import io.dekube.core.pki.KubeconfigWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real kubectl of the webhook ITs, as the admin of a test apiserver, with a work folder for its manifests:
 * applies YAML text and reads configurations back (a consistent read, so the apiserver's caches hold them).
 */
record KubectlManifests(Kubectl kubectl, Path work) {

  /** kubectl with the admin's kubeconfig in {@code server}'s folder {@code name}. */
  static KubectlManifests of(ApiServerFixture server, String name) throws Exception {
    Path work = server.dir.resolve(name);
    Files.createDirectories(work);
    return new KubectlManifests(new Kubectl(KubeconfigWriter.writeAdmin(server.pki, server.server(),
        work.resolve("admin.kubeconfig")), work.resolve("cache")), work);
  }

  /** Applies the configurations, then reads them back. */
  void configure(String yaml, String... objects) throws Exception {
    apply(yaml);
    for (String o : objects) {
      Kubectl.Result r = kubectl.run("get", o);
      assertEquals(0, r.exit(), r.out());
    }
  }

  void apply(String yaml) throws Exception {
    Kubectl.Result r = kubectl.run("apply", "-f", file(yaml));
    assertEquals(0, r.exit(), r.out());
  }

  /** A manifest file of {@code yaml} in the work folder. */
  String file(String yaml) throws Exception {
    Path f = Files.createTempFile(work, "manifest", ".yaml");
    Files.writeString(f, yaml);
    return f.toString();
  }
}
