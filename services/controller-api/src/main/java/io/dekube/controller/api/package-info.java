/**
 * dekube's controller plugin API, in the shape of kube-controller-manager's controllers: a plugin jar
 * lists its {@link io.dekube.controller.api.ControllerFactory}s in
 * {@code META-INF/services/io.dekube.controller.api.ControllerFactory} and may carry the
 * CustomResourceDefinitions of its kinds under {@code META-INF/dekube/crds/} (YAML). A factory builds one
 * controller: a {@link io.dekube.controller.api.Reconciler} ({@code sync(key)}) driven by a
 * {@link io.dekube.controller.api.Loop} — informer handlers that turn changes into keys, a work queue that
 * never syncs one key twice at once and retries failures with per-key exponential back-off, a periodic
 * resync. Objects are fabric8 model classes ({@code Deployment}, {@code Service}...), custom resources
 * {@code GenericKubernetesResource}; reads come from informer caches, writes go to the store and answer
 * {@link java.util.concurrent.CompletionStage}s.
 *
 * <p>Threading: everything a controller is called with — {@code sync}, key functions, handlers, periodic
 * tasks, and the continuations of the stages its writes return — runs on the controller-manager's event
 * loop. Never block there: compose the stages.
 */
package io.dekube.controller.api;
