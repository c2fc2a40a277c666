/**
 * dekube's scheduling framework API, in the shape of Kubernetes' {@code pkg/scheduler/framework}:
 * one small interface per extension point ({@link io.dekube.scheduler.api.FilterPlugin},
 * {@link io.dekube.scheduler.api.ScorePlugin}, ...), the per-cycle {@link io.dekube.scheduler.api.CycleState},
 * the per-node {@link io.dekube.scheduler.api.NodeInfo} and {@link io.dekube.scheduler.api.Status} codes as
 * Kubernetes has them. Plugin jars implement {@link io.dekube.scheduler.api.PluginFactory} and list it in
 * {@code META-INF/services/io.dekube.scheduler.api.PluginFactory}. Pods and nodes are fabric8 model objects;
 * plugins must treat them as read-only.
 */
package io.dekube.scheduler.api;
