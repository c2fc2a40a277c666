package io.dekube.kubelet.images;

import java.util.Map;
import java.util.Set;

/**
 * The directives nginx of the official image knows (its core, events, http modules and the stream and mail
 * modules it is built with), and where the ones the built-in server acts on may stand. A name outside them is
 * nginx's {@code unknown directive "x"}; a known one in the wrong block is {@code "x" directive is not allowed here}.
 * Pure.
 */
final class NginxDirectives {

  /** Where a directive may stand: the top of nginx.conf, {@code events}, {@code http}, {@code server}… */
  enum Context { MAIN, EVENTS, HTTP, SERVER, LOCATION, UPSTREAM, TYPES, IF, OTHER }

  private static final Set<Context> HSL = Set.of(Context.HTTP, Context.SERVER, Context.LOCATION, Context.IF);

  /** The contexts of the directives the built-in server acts on. */
  private static final Map<String, Set<Context>> PLACES = Map.ofEntries(
      Map.entry("events", Set.of(Context.MAIN)), Map.entry("http", Set.of(Context.MAIN)),
      Map.entry("server", Set.of(Context.HTTP, Context.UPSTREAM)),
      Map.entry("location", Set.of(Context.SERVER, Context.LOCATION)),
      Map.entry("upstream", Set.of(Context.HTTP)),
      Map.entry("listen", Set.of(Context.SERVER)), Map.entry("server_name", Set.of(Context.SERVER)),
      Map.entry("root", HSL), Map.entry("alias", Set.of(Context.LOCATION)), Map.entry("index", HSL),
      Map.entry("try_files", Set.of(Context.SERVER, Context.LOCATION)),
      Map.entry("return", Set.of(Context.SERVER, Context.LOCATION, Context.IF)),
      Map.entry("proxy_pass", Set.of(Context.LOCATION, Context.IF)), Map.entry("proxy_set_header", HSL),
      Map.entry("default_type", HSL), Map.entry("add_header", HSL), Map.entry("error_page", HSL),
      Map.entry("types", Set.of(Context.HTTP, Context.SERVER, Context.LOCATION)),
      Map.entry("ssl_certificate", Set.of(Context.HTTP, Context.SERVER)),
      Map.entry("ssl_certificate_key", Set.of(Context.HTTP, Context.SERVER)),
      Map.entry("access_log", HSL),
      Map.entry("worker_processes", Set.of(Context.MAIN)), Map.entry("pid", Set.of(Context.MAIN)),
      Map.entry("user", Set.of(Context.MAIN)), Map.entry("worker_connections", Set.of(Context.EVENTS)));

  /** Every other directive name nginx knows; the built-in server takes them and does nothing with them. */
  private static final Set<String> OTHERS = Set.copyOf(java.util.List.of(
      // core and events
      "daemon", "master_process", "timer_resolution", "pcre_jit", "worker_rlimit_nofile", "worker_rlimit_core",
      "worker_priority", "worker_cpu_affinity", "worker_shutdown_timeout", "working_directory", "env", "load_module",
      "lock_file", "thread_pool", "ssl_engine", "debug_points", "error_log", "use", "multi_accept", "accept_mutex",
      "accept_mutex_delay", "debug_connection", "worker_aio_requests", "stream", "mail",
      // http core
      "sendfile", "sendfile_max_chunk", "tcp_nopush", "tcp_nodelay", "keepalive_timeout", "keepalive_requests",
      "keepalive_time", "keepalive_disable", "client_max_body_size", "client_body_buffer_size",
      "client_body_timeout", "client_header_timeout", "client_header_buffer_size", "large_client_header_buffers",
      "client_body_temp_path", "client_body_in_file_only", "client_body_in_single_buffer", "send_timeout",
      "server_tokens", "server_name_in_redirect", "port_in_redirect", "absolute_redirect", "msie_padding",
      "msie_refresh", "log_not_found", "log_subrequest", "recursive_error_pages", "chunked_transfer_encoding",
      "etag", "if_modified_since", "ignore_invalid_headers", "underscores_in_headers", "merge_slashes",
      "server_names_hash_bucket_size", "server_names_hash_max_size", "variables_hash_bucket_size",
      "variables_hash_max_size", "types_hash_bucket_size", "types_hash_max_size", "open_file_cache",
      "open_file_cache_valid", "open_file_cache_min_uses", "open_file_cache_errors", "output_buffers",
      "postpone_output", "limit_rate", "limit_rate_after", "lingering_close", "lingering_time", "lingering_timeout",
      "reset_timedout_connection", "resolver", "resolver_timeout", "directio", "directio_alignment", "aio",
      "aio_write", "read_ahead", "internal", "limit_except", "satisfy", "auth_delay", "disable_symlinks",
      "connection_pool_size", "request_pool_size", "subrequest_output_buffer_size", "max_ranges",
      "http2", "http3", "quic_retry", "quic_gso", "quic_host_key", "quic_active_connection_id_limit",
      "http2_max_concurrent_streams", "http2_chunk_size", "http2_body_preread_size", "http2_idle_timeout",
      "http2_push", "http2_push_preload", "http2_recv_buffer_size", "http2_max_field_size",
      "http2_max_header_size", "http2_max_requests", "http2_recv_timeout",
      // logging, rewrite, headers, index, static
      "log_format", "open_log_file_cache", "rewrite", "rewrite_log", "if", "set", "break",
      "uninitialized_variable_warn",
      "expires", "autoindex", "autoindex_exact_size", "autoindex_format", "autoindex_localtime", "charset",
      "charset_map", "source_charset", "override_charset", "charset_types", "add_trailer", "gzip", "gzip_buffers",
      "gzip_comp_level", "gzip_disable", "gzip_http_version", "gzip_min_length", "gzip_proxied", "gzip_types",
      "gzip_vary", "gzip_static", "gunzip", "gunzip_buffers", "ssi", "ssi_types", "ssi_silent_errors",
      "ssi_value_length", "ssi_last_modified", "ssi_min_file_chunk", "sub_filter", "sub_filter_once",
      "sub_filter_types", "sub_filter_last_modified", "addition_types", "add_before_body", "add_after_body",
      "random_index", "stub_status", "map", "map_hash_bucket_size", "map_hash_max_size", "geo", "split_clients",
      "empty_gif", "mp4", "flv", "mp4_buffer_size", "mp4_max_buffer_size", "slice", "secure_link",
      "secure_link_md5", "secure_link_secret", "real_ip_header", "set_real_ip_from", "real_ip_recursive",
      "dav_methods", "dav_access", "create_full_put_path", "min_delete_depth", "userid", "userid_domain",
      "userid_expires", "userid_name", "userid_path", "userid_p3p", "userid_flags", "userid_mark",
      "userid_service", "referer_hash_bucket_size", "referer_hash_max_size", "valid_referers", "mirror",
      "mirror_request_body", "image_filter", "xslt_stylesheet", "sub_filter",
      // access, auth, limits
      "allow", "deny", "auth_basic", "auth_basic_user_file", "auth_request", "auth_request_set", "limit_conn",
      "limit_conn_zone", "limit_conn_status", "limit_conn_log_level", "limit_conn_dry_run", "limit_req",
      "limit_req_zone", "limit_req_status", "limit_req_log_level", "limit_req_dry_run",
      // ssl
      "ssl", "ssl_protocols", "ssl_ciphers", "ssl_prefer_server_ciphers", "ssl_session_cache",
      "ssl_session_timeout", "ssl_session_tickets", "ssl_session_ticket_key", "ssl_dhparam", "ssl_ecdh_curve",
      "ssl_stapling", "ssl_stapling_verify", "ssl_stapling_file", "ssl_stapling_responder", "ssl_trusted_certificate",
      "ssl_client_certificate", "ssl_verify_client", "ssl_verify_depth", "ssl_crl", "ssl_buffer_size",
      "ssl_early_data", "ssl_password_file", "ssl_conf_command", "ssl_reject_handshake", "ssl_ocsp",
      "ssl_ocsp_cache", "ssl_ocsp_responder", "ssl_certificate_cache",
      // proxy and the other upstream modules
      "proxy_http_version", "proxy_redirect", "proxy_buffering", "proxy_buffers", "proxy_buffer_size",
      "proxy_busy_buffers_size", "proxy_read_timeout", "proxy_send_timeout", "proxy_connect_timeout",
      "proxy_next_upstream", "proxy_next_upstream_tries", "proxy_next_upstream_timeout", "proxy_intercept_errors",
      "proxy_hide_header", "proxy_pass_header", "proxy_ignore_headers", "proxy_pass_request_headers",
      "proxy_pass_request_body", "proxy_set_body", "proxy_cache", "proxy_cache_path", "proxy_cache_valid",
      "proxy_cache_key", "proxy_cache_bypass", "proxy_no_cache", "proxy_cache_use_stale", "proxy_cache_lock",
      "proxy_cache_methods", "proxy_cache_min_uses", "proxy_cache_revalidate", "proxy_cache_background_update",
      "proxy_temp_path", "proxy_max_temp_file_size", "proxy_temp_file_write_size", "proxy_request_buffering",
      "proxy_ssl_server_name", "proxy_ssl_verify", "proxy_ssl_name", "proxy_ssl_protocols", "proxy_ssl_ciphers",
      "proxy_ssl_certificate", "proxy_ssl_certificate_key", "proxy_ssl_trusted_certificate",
      "proxy_ssl_session_reuse", "proxy_ssl_verify_depth", "proxy_cookie_domain", "proxy_cookie_path",
      "proxy_cookie_flags", "proxy_headers_hash_bucket_size", "proxy_headers_hash_max_size", "proxy_socket_keepalive",
      "proxy_bind", "proxy_method", "proxy_store", "proxy_store_access", "proxy_force_ranges", "proxy_limit_rate",
      "fastcgi_pass", "fastcgi_param", "fastcgi_index", "fastcgi_split_path_info", "fastcgi_buffers",
      "fastcgi_buffer_size", "fastcgi_read_timeout", "fastcgi_intercept_errors", "fastcgi_hide_header",
      "uwsgi_pass", "uwsgi_param", "scgi_pass", "scgi_param", "grpc_pass", "grpc_set_header", "memcached_pass",
      "keepalive", "keepalive_time", "zone", "hash", "ip_hash", "least_conn", "random", "sticky", "queue",
      "resolver", "ntlm"));

  private NginxDirectives() {
  }

  /** Whether nginx knows {@code name}. */
  static boolean known(String name) {
    return PLACES.containsKey(name) || OTHERS.contains(name);
  }

  /** Whether {@code name} may stand in {@code context}: any known directive the built-in server ignores may. */
  static boolean allowedIn(String name, Context context) {
    Set<Context> places = PLACES.get(name);
    return places == null || places.contains(context);
  }

  /**
   * Checks {@code d} where it stands: a name nginx does not know, a directive out of its place, a block where a
   * {@code ;} belongs and the reverse throw nginx's message.
   */
  static void check(NginxDirective d, Context context) {
    if (context == Context.TYPES || context == Context.OTHER) {
      return;
    }
    if (!known(d.name())) {
      throw new NginxConfException("unknown directive \"" + d.name() + "\" in " + d.at());
    }
    if (!allowedIn(d.name(), context)) {
      throw new NginxConfException("\"" + d.name() + "\" directive is not allowed here in " + d.at());
    }
    boolean wantsBlock = Set.of("events", "http", "server", "location", "upstream", "types", "if", "map", "geo",
        "split_clients", "limit_except", "stream", "mail").contains(d.name());
    if (d.name().equals("server") && context == Context.UPSTREAM) {
      wantsBlock = false;
    }
    if (wantsBlock && !d.isBlock()) {
      throw new NginxConfException("directive \"" + d.name() + "\" has no opening \"{\" in " + d.at());
    }
    if (!wantsBlock && d.isBlock()) {
      throw new NginxConfException("directive \"" + d.name() + "\" is not terminated by \";\" in " + d.at());
    }
  }
}
