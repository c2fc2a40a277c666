package io.dekube.controllermanager.podautoscaler;

/**
 * How the controller-manager calls the apiserver for {@code metrics.k8s.io}, as kube-controller-manager
 * does with its kubeconfig: the cluster CA to trust and a client certificate and key (PEM).
 */
public record ApiCredentials(String caPem, String certificatePem, String keyPem) {
}
