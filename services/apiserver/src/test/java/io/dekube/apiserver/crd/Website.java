package io.dekube.apiserver.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** The talk's Website custom resource as a fabric8 typed model. */
@Group("extensions.example.com")
@Version("v1")
@Kind("Website")
@Plural("websites")
public class Website extends CustomResource<Website.Spec, Website.Status> implements Namespaced {

  /** spec: the git repository and the replicas. */
  public static class Spec {
    public String gitRepo;
    public Integer replicas;
  }

  /** status: observed replicas. */
  public static class Status {
    public Integer replicas;
    public String selector;
  }
}
