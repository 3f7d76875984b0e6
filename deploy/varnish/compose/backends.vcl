# docker-compose.yml's front: the web and nginx services on the compose network.
backend app {
    .host = "web";
    .port = "8000";
    .connect_timeout = 1s;
    .first_byte_timeout = 30s;
    .probe = {
        .request = "GET /livez HTTP/1.1" "Host: localhost" "Connection: close";
        .interval = 2s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

backend files {
    .host = "nginx";
    .port = "80";
}

# The web and worker containers purge; compose networks are private addresses.
acl purgers {
    "localhost";
    "10.0.0.0"/8;
    "172.16.0.0"/12;
    "192.168.0.0"/16;
}

# A TLS terminator or CDN in front of this Varnish: list its addresses here, and set the
# app's TRUSTED_PROXY_HOPS to 2 (docs/deploy.md). None by default.
acl proxies {
    "192.0.2.0"/32;  # TEST-NET-1: reaches nothing
}
