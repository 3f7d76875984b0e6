# Newsroom's front: Varnish keeps the public pages the app marks public, tagged by their
# surrogate keys, and drops exactly the pages a change touches when the app purges a key.
# Used by `make serve` (scripts/stack.py) and docker-compose.yml; a CDN in front of it
# (Fastly is Varnish; Cloudflare) does the same with the same headers (docs/deploy.md).
vcl 4.1;

import std;
import xkey;

# Per deployment: the backends `app` (gunicorn, probed at /livez) and `files` (nginx, the
# static and media files), and the ACLs `purgers` (who may purge) and `proxies` (a TLS
# terminator or CDN in front of this Varnish, whose forwarding headers are believed).
include "backends.vcl";

sub vcl_recv {
    # The client's address and scheme as this front knows them, never as the client wrote
    # them: only a trusted proxy in front may have added hops before ours (varnishd has
    # appended the address that reached it already).
    if (client.ip !~ proxies) {
        set req.http.X-Forwarded-For = client.ip;
        set req.http.X-Forwarded-Proto = "http";
    } elsif (!req.http.X-Forwarded-Proto) {
        set req.http.X-Forwarded-Proto = "http";
    }

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (req.http.xkey-purge) {
            set req.http.X-Purged = xkey.purge(req.http.xkey-purge);
        } elsif (req.http.xkey-softpurge) {
            set req.http.X-Purged = xkey.softpurge(req.http.xkey-softpurge);
        } else {
            return (synth(400, "No xkey-purge or xkey-softpurge header"));
        }
        return (synth(200, "Purged " + req.http.X-Purged));
    }

    if (req.method != "GET" && req.method != "HEAD") {
        # Bodies are capped here, before anything reaches the app: the admin's photo
        # uploads are the largest; every public form is a few kilobytes. A declared length
        # over the cap is refused unread; a body without one is read up to the cap.
        if (req.url ~ "^/admin/") {
            set req.http.X-Body-Cap = "31457280";
        } else {
            set req.http.X-Body-Cap = "1048576";
        }
        if (std.integer(s=req.http.Content-Length, fallback=0) >
            std.integer(s=req.http.X-Body-Cap, fallback=0)) {
            return (synth(413, "Request body too large"));
        }
        if (!req.http.Content-Length && !std.cache_req_body(1MB)) {
            return (synth(413, "Request body too large"));
        }
        unset req.http.X-Body-Cap;
        return (pass);
    }

    if (req.url ~ "^/(static|media)/") {
        unset req.http.Cookie;
        set req.backend_hint = files;
        return (hash);
    }
    set req.backend_hint = app;

    # Staff pages and anyone signed in (the session cookie) are never given a shared copy.
    if (req.url ~ "^/(admin|moderation|notifications)(/|$)" || req.url ~ "^/(healthz|livez)") {
        return (pass);
    }
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Everything else is the same page for every reader: no cookie reaches the app.
    unset req.http.Cookie;
    call newsroom_known_parameters;

    # While the app is up, a page purged softly (or just expired) is served stale only
    # briefly while it renders again; while it is down, for as long as the page was kept.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    return (hash);
}

# Only the query parameters a page reads, with values it takes, are kept: a flood of
# `?junk=N` is one cached page, not N renders. Each pattern drops every parameter that is
# not one of the page's own.
sub newsroom_known_parameters {
    if (req.url !~ "\?") {
        return;
    }
    if (req.url ~ "^/search/") {
        set req.url = regsuball(req.url, "([?&])(?!(?:q=[^&]*|page=[0-9]{1,6})(?:&|$))[^&]*", "\1");
    } elsif (req.url ~ "^/[^/?]+/[0-9]{4}/[0-9]{2}/[0-9]{2}/[^/?]+/\?") {
        # An article: its comment pages and order, the reply form, the confirmations after
        # a post and after a report; a live blog's pages of older entries.
        set req.url = regsuball(req.url, "([?&])(?!(?:page=[0-9]{1,6}|cpage=[0-9]{1,6}|reply_to=[0-9]{1,12}|posted=(?:awaiting|published)|reported=thanks|sort=(?:oldest|newest|picks))(?:&|$))[^&]*", "\1");
    } elsif (req.url ~ "^/(news-)?sitemap") {
        set req.url = regsuball(req.url, "([?&])(?!(?:p=[0-9]{1,6})(?:&|$))[^&]*", "\1");
    } else {
        set req.url = regsuball(req.url, "([?&])(?!(?:page=[0-9]{1,6})(?:&|$))[^&]*", "\1");
    }
    set req.url = regsuball(req.url, "&{2,}", "&");
    set req.url = regsub(req.url, "\?&", "?");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);
}

sub vcl_hash {
    # http and https pages differ (links, canonical URLs): never one for the other.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_backend_response {
    if (bereq.url ~ "^/(static|media)/") {
        if (beresp.status != 200) {
            set beresp.ttl = 10s;
        } elsif (beresp.http.Content-Type ~ "^(text/css|text/javascript|image/svg)") {
            set beresp.do_gzip = true;
        }
        return (deliver);
    }
    # A missing page may appear any moment (a scheduled story going live): seconds only.
    if (beresp.status == 404 || beresp.status == 410) {
        unset beresp.http.Set-Cookie;
        set beresp.ttl = 5s;
        set beresp.grace = 0s;
        return (deliver);
    }
    # Only what the app marks public is kept; anything else passes (briefly remembered as
    # such, so readers' requests for it are not queued behind each other).
    if (beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)" || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 1s;
        return (deliver);
    }
    # Kept compressed, once; readers whose browsers cannot take gzip get it unpacked.
    if (beresp.http.Content-Type ~ "^(text/|application/(json|xml|rss\+xml|atom\+xml))") {
        set beresp.do_gzip = true;
    }
    # xkey indexes the object by this header, the app's surrogate keys.
    set beresp.http.xkey = beresp.http.Surrogate-Key;
    # Kept past its lifetime to be served if the app goes down (stale-if-error). A page sent
    # with s-maxage=0 (its render raced a purge) is stale at once: served only while the
    # next fetch renders it again, so readers never queue for the app all at once.
    set beresp.grace = 24h;
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "hit";
    } else {
        set resp.http.X-Cache = "miss";
    }
}
