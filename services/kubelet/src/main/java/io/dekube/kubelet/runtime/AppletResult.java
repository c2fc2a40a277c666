package io.dekube.kubelet.runtime;

/**
 * What a pure applet made: its output on stdout, its error on stderr and its exit code ({@code ip}, {@code apt-get}),
 * for the shell to write. Immutable.
 */
record AppletResult(String out, String err, int code) {
}
