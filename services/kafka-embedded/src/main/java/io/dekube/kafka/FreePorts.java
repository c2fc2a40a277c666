package io.dekube.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Picks free TCP ports by binding port 0 and releasing it at once.
 *
 * <p>There is an unavoidable window between releasing a port and the broker binding it in which
 * another process could take it; {@link EmbeddedKafka} retries its start with fresh ports when
 * that happens. Stateless, thread-safe.
 */
final class FreePorts {

    private FreePorts() {
    }

    /** Returns a port that was free on {@code host} a moment ago. */
    static int pick(String host) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    /** Returns a free port on {@code host} different from {@code other}. */
    static int pickOther(String host, int other) {
        for (int i = 0; i < 10; i++) {
            int port = pick(host);
            if (port != other) {
                return port;
            }
        }
        throw new IllegalStateException("cannot find a second free port on " + host);
    }
}
