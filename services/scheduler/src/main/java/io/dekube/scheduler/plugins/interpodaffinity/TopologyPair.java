package io.dekube.scheduler.plugins.interpodaffinity;

/** A topology domain: a node label key and its value ({@code kubernetes.io/hostname=node-1}). */
record TopologyPair(String key, String value) {
}
