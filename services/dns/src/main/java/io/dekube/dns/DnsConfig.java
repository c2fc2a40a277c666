package io.dekube.dns;

/**
 * The cluster DNS server.
 *
 * @param host     the address it serves: the 10th of the service CIDR (127.96.0.10 on the default one)
 * @param port     the port always served (10053; 0 picks a free one, for tests)
 * @param also53   whether to serve port 53 too when it may be bound
 * @param upstream the resolver other names go to ({@code ip} or {@code ip:port}); "" answers them REFUSED
 */
public record DnsConfig(String host, int port, boolean also53, String upstream) {
}
