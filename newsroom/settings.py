"""Newsroom settings: one module, every knob an environment variable.

Bad values stop the process at start-up with one line naming the variable
(`ConfigError` is a SystemExit), so a typo in production never becomes a
silently different configuration.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


# --- Reading the environment: a bad value stops start-up, never a silent default --------------
class ConfigError(SystemExit):
    """A bad environment variable: stop with one clear line, no traceback."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"Configuration error: {name} {problem}")


def env(name: str, default: str = "") -> str:
    """Read NAME, or the contents of the file named by NAME_FILE (Docker secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE", f"cannot be read: {exc.strerror}") from None
    return os.environ.get(name) or default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"true", "1", "yes", "on"}:
        return True
    if lowered in {"false", "0", "no", "off"}:
        return False
    raise ConfigError(name, f"must be true or false, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {value!r}") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_url(name: str, default: str, schemes: set[str]) -> str:
    value = env(name, default)
    parsed = urlparse(value)
    hostless = parsed.scheme in {"console", "memory"}
    if parsed.scheme not in schemes or not (parsed.hostname or parsed.path or hostless):
        raise ConfigError(name, f"must be a URL starting with one of {sorted(schemes)}")
    return value


# --- The site: its name and address; secrets and hosts required outside debug -----------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("SECRET_KEY", "is required when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ConfigError("ALLOWED_HOSTS", "is required when DEBUG is off")

SITE_NAME = env("SITE_NAME", "Alverno Alpha")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Origins a form may be posted from besides the site's own address (the comment form's
# cross-site check and Django's CSRF check both read this).
CSRF_TRUSTED_ORIGINS = list(
    dict.fromkeys(
        [f"{urlparse(SITE_URL).scheme}://{urlparse(SITE_URL).netloc}"]
        + env_list("CSRF_TRUSTED_ORIGINS")
    )
)
SITE_LANGUAGE = env("SITE_LANGUAGE", "en")

# --- What Django runs: the apps (core first), middleware in order, templates ------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_prose_editor",  # the admin's rich text editor (ProseMirror/Tiptap), its files
    "core",
    "photos",
    "articles",
    "editorial",
    "comments",
    "notifications",
    "live",
    "demo",  # `manage.py loaddemo`: leave it out and nothing else changes
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.params.NulQueryMiddleware",  # a NUL in the query string: 400 before any view
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # An ETag on every page and 304s for it; outside the next one, which says what may be
    # kept (a page for everyone, or for one visitor).
    "django.middleware.http.ConditionalGetMiddleware",
    # Outside sessions: it takes the `Vary: Cookie` a session read adds off shared pages.
    "core.pagecache.PublicPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.login_throttle.LoginThrottleMiddleware",
    "core.outage.DatabaseOutageMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

# --- Data: the database, an optional read replica, the Redis cache ----------------------------
# Database: SQLite file for `make run` when DATABASE_URL is unset; Postgres otherwise.
_database_url = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    _database = dj_database_url.parse(
        _database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
except (ValueError, KeyError) as exc:
    raise ConfigError("DATABASE_URL", f"is malformed: {exc}") from None
if not _database.get("ENGINE") or not _database.get("NAME"):
    raise ConfigError("DATABASE_URL", "is malformed: no engine or database name")
DATABASES = {"default": _database}
# Optional Postgres read replica for public page reads (core/replica.py, docs/deploy.md).
if env("DATABASE_REPLICA_URL"):
    try:
        DATABASES["replica"] = dj_database_url.parse(
            env("DATABASE_REPLICA_URL"), conn_max_age=60, conn_health_checks=True
        )
    except (ValueError, KeyError) as exc:
        raise ConfigError("DATABASE_REPLICA_URL", f"is malformed: {exc}") from None
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    MIDDLEWARE.insert(1, "core.replica.ReplicaReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = _database["ENGINE"].endswith("postgresql")

# Cache: Django's own Redis backend when REDIS_URL is set, local memory otherwise.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    env_url("REDIS_URL", REDIS_URL, {"redis", "rediss", "unix"})
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",  # Django's, with one client per pool
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background work: the worker's queue and the beat's one schedule --------------------------
# Celery: eager (in-process) when no broker is configured, as under `make run`.
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
if CELERY_BROKER_URL:
    env_url("CELERY_BROKER_URL", CELERY_BROKER_URL, {"redis", "rediss", "amqp", "memory"})
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "cache+memory://")
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = env("TIME_ZONE", "Europe/London")
# Celery beat: the one schedule, every app's clock-driven work in one place.
CELERY_BEAT_SCHEDULE: dict[str, dict] = {
    # Purges a front missed (it was down), replayed until it takes them (core/pagecache.py).
    "newsroom-replay-purges": {"task": "core.tasks.replay_purges", "schedule": 10.0},
    # What the clock changes without a write (a scheduled article going live, an embargo
    # lifting, a breaking flag expiring): each has a task queued for its minute, and this
    # one sweep does the work of any whose task was lost (editorial/tasks.py).
    "editorial-clock-sweep": {"task": "editorial.tasks.clock_sweep", "schedule": 60.0},
    "comments-clear-old-ip-hashes": {
        "task": "comments.tasks.clear_old_ip_hashes",
        "schedule": 3600.0,
    },
    # The notification outbox (notifications/tasks.py): retries and digests.
    "notifications-sweep": {"task": "notifications.sweep", "schedule": 60.0},
    "notifications-digests": {"task": "notifications.flush_digests", "schedule": 60.0},
}

# --- Mail: one mailer, chosen by the environment ----------------------------------------------
# Email through Django 6.1's MAILERS: console by default, SMTP from EMAIL_URL or EMAIL_HOST.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{SITE_NAME} <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_email_url = env("EMAIL_URL")
_email_host = env("EMAIL_HOST")
if _email_url:
    _parsed = urlparse(env_url("EMAIL_URL", _email_url, {"smtp", "smtps", "console"}))
    if _parsed.scheme == "console":
        _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    else:
        _mailer = {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _parsed.hostname,
                "port": _parsed.port or (465 if _parsed.scheme == "smtps" else 25),
                "username": _parsed.username or "",
                "password": _parsed.password or "",
                "use_ssl": _parsed.scheme == "smtps",
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
elif _email_host:
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email_host,
            "port": env_int("EMAIL_PORT", 25),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
            "timeout": env_int("EMAIL_TIMEOUT", 10),
        },
    }
else:
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _mailer}

# --- Accounts, language and the newsroom's time zone ------------------------------------------
# Django's own permissions (users' and groups'), then those a person's desk roles give
# (articles/desk_roles.py): an editor on one desk has the editors' rights in the admin,
# and the desk decides where they use them.
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "articles.desk_roles.DeskRoleBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if env_bool("FAST_PASSWORD_HASHER", False):  # tests only: MD5 keeps the suite fast
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en-gb"
FORMAT_MODULE_PATH = ["core.formats"]  # admin times: one format, the zone named
TIME_ZONE = env("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# --- Files: static (WhiteNoise) and media (local disk or S3) ----------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = env("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {
        "BACKEND": env("DEFAULT_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if env("AWS_STORAGE_BUCKET_NAME"):
    # S3-compatible media through django-storages (see README, "Deploying").
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env("AWS_S3_ENDPOINT_URL") or None,
            "custom_domain": env("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }

# --- Request limits: what is too big is refused before it is read -----------------------------
# Request sizes Django accepts (the front's own limit is in deploy/). Form fields, without
# files: the article form is the largest (a long read is a few hundred KB of Markdown).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# The moderators' bulk decision sends up to 500 ids, an admin changelist action one per row.
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 5)  # one photo a form
# Uploads above this are spooled to a temporary file rather than held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# A comment POST larger than this is refused (413) before its body is read. The longest
# comment, 5,000 four-byte characters percent-encoded, is about 61 KB with its other fields.
COMMENTS_MAX_REQUEST_BYTES = env_int("COMMENTS_MAX_REQUEST_BYTES", 64 * 1024)
for _name in (
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "DATA_UPLOAD_MAX_NUMBER_FIELDS",
    "DATA_UPLOAD_MAX_NUMBER_FILES",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "COMMENTS_MAX_REQUEST_BYTES",
):
    if globals()[_name] < 1:
        raise ConfigError(_name, "must be at least 1")

# --- The admin and staff sign-in --------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"  # the only sign-in is staff's: never /accounts/profile/
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

# --- Security: HTTPS, cookies, headers, the CSP and the players it frames ---------------------
# Security. Production values are the defaults; `make run` turns DEBUG on.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^livez$"]
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)  # off only for plain-HTTP test servers
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# Videos, posts and charts pasted into a body that readers may load, after a click
# (articles/embeds.py): the CSP frames only the enabled providers' iframe hosts. Any other
# link, a disabled provider's too, shows as a card, never framed.
EMBED_PLAYER_HOSTS = {
    "youtube": "https://www.youtube-nocookie.com",
    "vimeo": "https://player.vimeo.com",
    "instagram": "https://www.instagram.com",
    "tiktok": "https://www.tiktok.com",
    "datawrapper": "https://datawrapper.dwcdn.net",
    "flourish": "https://flo.uri.sh",
}
# "none": every link is a card and nothing may be framed.
EMBED_PROVIDERS = [
    name
    for name in env_list("EMBED_PROVIDERS", ",".join(EMBED_PLAYER_HOSTS))
    if name.lower() != "none"
]
if unknown := set(EMBED_PROVIDERS) - EMBED_PLAYER_HOSTS.keys():
    raise ConfigError("EMBED_PROVIDERS", f"unknown: {', '.join(sorted(unknown))}")
SECURE_CSP["frame-src"] = [EMBED_PLAYER_HOSTS[name] for name in EMBED_PROVIDERS] or [CSP.NONE]
# After a save, the worker may fetch each embedded link's title (oEmbed or the page's
# title; public addresses only, articles/embed_metadata.py). Off: placeholders say "A video
# on YouTube". Off by default: it is the one feature that makes the server call others.
EMBED_FETCH_METADATA = env_bool("EMBED_FETCH_METADATA", False)
EMBED_FETCH_TIMEOUT = env_int("EMBED_FETCH_TIMEOUT", 5)  # seconds, per request

# --- Clients: login throttling, and where the client's address is read ------------------------
# Admin login throttling (core/login_throttle.py).
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 20)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
# How many proxies stand in front of the app, each appending to X-Forwarded-For: the client's
# address is read that many hops from the right (core/client.py). 1 behind the shipped
# Varnish, 2 behind a CDN and Varnish, 0 when the app is reached directly.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 0)
if TRUSTED_PROXY_HOPS < 0:
    raise ConfigError("TRUSTED_PROXY_HOPS", "must not be negative")
if env("TRUST_X_FORWARDED_FOR"):
    raise ConfigError(
        "TRUST_X_FORWARDED_FOR", "is gone: set TRUSTED_PROXY_HOPS (1 behind the shipped Varnish)"
    )

# --- The page cache: how long fronts keep pages, where purges go ------------------------------
# Shared caching of public pages (core/pagecache.py): Varnish in front (make serve,
# docker-compose.yml), a CDN optionally in front of it. Pages are purged by key.
PAGE_CACHE_S_MAXAGE = env_int("PAGE_CACHE_S_MAXAGE", 3600)  # purges make pages stale sooner
PAGE_CACHE_STALE_WHILE_REVALIDATE = env_int("PAGE_CACHE_STALE_WHILE_REVALIDATE", 30)
PAGE_CACHE_STALE_IF_ERROR = env_int("PAGE_CACHE_STALE_IF_ERROR", 86400)  # the app is down
# Redis down: a render cannot be checked against purges, so fronts keep it only this long.
PAGE_CACHE_UNSURE_S_MAXAGE = env_int("PAGE_CACHE_UNSURE_S_MAXAGE", 5)

# Live blogs (live/): how often a reader's page asks the blog's poll URL for news, and how
# many entries a page of the blog shows.
LIVE_POLL_SECONDS = env_int("LIVE_POLL_SECONDS", 10)
if LIVE_POLL_SECONDS < 1:
    raise ConfigError("LIVE_POLL_SECONDS", "must be at least 1")
LIVE_PAGE_SIZE = env_int("LIVE_PAGE_SIZE", 20)
# Where purges go: each Varnish's address (the shipped VCL takes PURGE from the app's hosts).
VARNISH_URLS = env_list("VARNISH_URLS")
for _url in VARNISH_URLS:
    env_url("VARNISH_URLS", _url, {"http"})
VARNISH_PURGE_TIMEOUT = env_int("VARNISH_PURGE_TIMEOUT", 2)
PAGE_PURGE_HOOK = env("PAGE_PURGE_HOOK", "core.pagecache.noop_purge_hook")
# A page read from the replica right after a purge may miss the purged change for this long.
DATABASE_REPLICA_MAX_LAG = env_int("DATABASE_REPLICA_MAX_LAG", 5)

# --- Each app's own knobs: comments, the editorial workflow, the outbox -----------------------
# Comments and moderation (comments/services.py): limits, time thresholds, trust.
COMMENTS_RATE_PER_MINUTE = env_int("COMMENTS_RATE_PER_MINUTE", 5)  # per client and per email
COMMENTS_RATE_PER_DAY = env_int("COMMENTS_RATE_PER_DAY", 30)
COMMENTS_HOLD_LINKS = env_int("COMMENTS_HOLD_LINKS", 2)  # this many links or more: held
COMMENTS_TRUSTED_AUTO_APPROVE = env_bool("COMMENTS_TRUSTED_AUTO_APPROVE", False)
COMMENTS_TRUSTED_MIN_APPROVED = env_int("COMMENTS_TRUSTED_MIN_APPROVED", 3)
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 50)  # top-level threads per page
COMMENTS_IP_HASH_DAYS = env_int("COMMENTS_IP_HASH_DAYS", 30)
# The key commenters' hashes (client address, email: bans, trust, reports) are made with:
# this secret if set, else one generated once and kept in the database. Never SECRET_KEY,
# so rotating it does not orphan a ban. Changing it later makes the old hashes unmatched.
COMMENTS_IP_HASH_SALT = env("COMMENTS_IP_HASH_SALT")
# Bans last this long (their hashes are kept as long, beyond COMMENTS_IP_HASH_DAYS).
COMMENTS_BAN_DAYS = env_int("COMMENTS_BAN_DAYS", 365)
# Readers' reports: per client, at most this many a day; a comment reported by this many
# distinct clients is hidden until a moderator decides (0, the default: never hidden, so
# one person cannot silence a thread).
COMMENTS_REPORTS_PER_DAY = env_int("COMMENTS_REPORTS_PER_DAY", 20)
COMMENTS_REPORT_HIDE_AT = env_int("COMMENTS_REPORT_HIDE_AT", 0)
# A decision in the moderation queue can be undone for this many seconds; the commenter's
# mail about it waits that long (and a few seconds more), so an undone approval never mails.
COMMENTS_UNDO_SECONDS = env_int("COMMENTS_UNDO_SECONDS", 10)
if COMMENTS_UNDO_SECONDS < 0:
    raise ConfigError("COMMENTS_UNDO_SECONDS", "must not be negative")
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"
URLIZE_ASSUME_HTTPS = True  # comment links: https:// for bare "www." links (Django 7 default)
# When Redis is down the comment rate limits cannot be counted: fail open (true, the
# default) lets comments through to the moderation queue, where every first-time comment
# waits anyway; false refuses them with a 503 until Redis is back.
COMMENTS_RATE_LIMIT_FAIL_OPEN = env_bool("COMMENTS_RATE_LIMIT_FAIL_OPEN", True)


# Editorial workflow (editorial/): edit locks and share links.
ARTICLE_LOCK_MINUTES = env_int("ARTICLE_LOCK_MINUTES", 15)  # a soft edit lock's life
# How often the article form autosaves its text while it changes (and holds the lock).
ARTICLE_AUTOSAVE_SECONDS = env_int("ARTICLE_AUTOSAVE_SECONDS", 5)
SHARE_LINK_DAYS = env_int("SHARE_LINK_DAYS", 7)  # how long a new preview link works
SHARE_LINK_MAX_DAYS = env_int("SHARE_LINK_MAX_DAYS", 30)
STAFF_INVITATION_DAYS = env_int("STAFF_INVITATION_DAYS", 7)  # how long an invitation works
for _name in (
    "ARTICLE_LOCK_MINUTES",
    "ARTICLE_AUTOSAVE_SECONDS",
    "SHARE_LINK_DAYS",
    "SHARE_LINK_MAX_DAYS",
    "STAFF_INVITATION_DAYS",
):
    if globals()[_name] < 1:
        raise ConfigError(_name, "must be at least 1")

# Notification outbox (notifications/; README "Operations: the outbox").
NOTIFICATIONS_DIGEST_WINDOW = env_int("NOTIFICATIONS_DIGEST_WINDOW", 600)  # seconds per digest
# Immediate: moderators get a mail per held comment. Default without a broker (`make run`
# has no beat to flush digests).
NOTIFICATIONS_IMMEDIATE = env_bool("NOTIFICATIONS_IMMEDIATE", not CELERY_BROKER_URL)
NOTIFICATIONS_MAX_ATTEMPTS = env_int("NOTIFICATIONS_MAX_ATTEMPTS", 8)  # then failed, see admin
NOTIFICATIONS_BACKOFF_SECONDS = env_int("NOTIFICATIONS_BACKOFF_SECONDS", 60)  # doubles per try
NOTIFICATIONS_BACKOFF_MAX = env_int("NOTIFICATIONS_BACKOFF_MAX", 6 * 3600)
NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE = env_int("NOTIFICATIONS_UNSUBSCRIBE_MAX_AGE", 365 * 86400)
# Double opt-in for mail a public form asks for: how long a confirm link (and the mail that
# waits for it) lasts, and at most one confirmation request per address in this many seconds.
NOTIFICATIONS_CONFIRM_MAX_AGE = env_int("NOTIFICATIONS_CONFIRM_MAX_AGE", 7 * 86400)
NOTIFICATIONS_CONFIRM_INTERVAL = env_int("NOTIFICATIONS_CONFIRM_INTERVAL", 86400)
for _name in (
    "NOTIFICATIONS_DIGEST_WINDOW",
    "NOTIFICATIONS_BACKOFF_SECONDS",
    "NOTIFICATIONS_CONFIRM_MAX_AGE",
    "NOTIFICATIONS_CONFIRM_INTERVAL",
):
    if globals()[_name] < 0:
        raise ConfigError(_name, "must not be negative")
if NOTIFICATIONS_MAX_ATTEMPTS < 1:
    raise ConfigError("NOTIFICATIONS_MAX_ATTEMPTS", "must be at least 1")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
