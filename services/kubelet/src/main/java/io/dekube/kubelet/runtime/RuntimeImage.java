package io.dekube.kubelet.runtime;

import java.util.List;

/**
 * An image a node holds, as kube's CRI {@code ListImages} gives it to the kubelet's node status: its id, its
 * references (repository digests, then tags) and its size.
 *
 * @param id    the image's id
 * @param names its digest references, then its tag references
 * @param size  its size in bytes, as the runtime reports it
 */
public record RuntimeImage(String id, List<String> names, long size) {
}
