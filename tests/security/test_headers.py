"""Security headers on every kind of page, with the values production really runs with.

The production values are read from the settings module in a subprocess started with a
production-like environment (DEBUG off, no test overrides), then applied here with
`override_settings`: a change to settings.py that weakens production fails these tests.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from articles.models import Article
from comments.models import Comment
from editorial.services import share_link_create
from tests.articles import seed_article as seed
from tests.comments.conftest import CommentFactory, form_data
from tests.factories import CorrectionFactory, TopicFactory

# What a shared cache hands every reader of a public page, and so must not vary per reader.
SHARED_HEADERS = (
    "Content-Security-Policy",
    "Cache-Control",
    "ETag",
    "Surrogate-Key",
    "X-Frame-Options",
    "Strict-Transport-Security",
)

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_KEYS = [
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_REFERRER_POLICY",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    "X_FRAME_OPTIONS",
]
PUBLIC_PAGES = {
    "home": "/",
    "desk": "/technology/",
    "article with a correction": None,  # filled in from the seed article
    "author": "/authors/mei-lin/",
    "topic": "/topics/ai/",
    "search": "/search/?q=deepseek",
    "site feed": "/feed/",
    "desk feed": "/technology/feed/",
    "author feed": "/authors/mei-lin/feed/",
    "sitemap": "/sitemap.xml",
    "news sitemap": "/news-sitemap.xml",
    "robots": "/robots.txt",
    "corrections": "/corrections/",
    "not found": "/no-such-desk/2020/01/01/nothing/",
    "health": "/healthz",
}


@pytest.fixture(scope="module")
def production() -> dict:
    """The security settings as production computes them (DEBUG off, nothing overridden)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    env.update(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="news.example.org")
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{k: getattr(settings, k) for k in {PRODUCTION_KEYS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "newsroom.settings", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.fixture
def prod(production):
    with override_settings(**production):
        yield production


@pytest.fixture
def site(db):
    article = seed.build_seed_article()
    article.topics.add(TopicFactory(name="AI", slug="ai"))
    CorrectionFactory(article=article)
    comment = CommentFactory(article=article, body="A published comment.")
    comment.status = Comment.Status.APPROVED
    comment.save()
    return article


def csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(
    response, path: str, *, referrer: str = "strict-origin-when-cross-origin"
) -> None:
    policy = csp(response)
    assert policy["default-src"] == ["'self'"], path
    assert policy["frame-ancestors"] == ["'none'"], path
    assert policy["object-src"] == ["'none'"], path
    assert policy["base-uri"] == ["'self'"], path
    assert policy["form-action"] == ["'self'"], path
    for directive in ("script-src", "style-src"):
        values = policy[directive]
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, (path, values)
        assert "*" not in values and "https:" not in values, (path, values)
    assert response.headers["X-Content-Type-Options"] == "nosniff", path
    assert response.headers["Referrer-Policy"] == referrer, path
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin", path
    assert response.headers["X-Frame-Options"] == "DENY", path
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    ), path


def test_production_settings_turn_on_https_only_headers_and_cookies(production):
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["CSRF_COOKIE_HTTPONLY"] is True


def test_every_public_page_type_sends_the_security_headers_fresh_and_from_the_cache(
    client, site, prod
):
    pages = PUBLIC_PAGES | {"article with a correction": site.get_absolute_url()}
    for name, path in pages.items():
        first = client.get(path, secure=True)
        assert first.status_code == (404 if name == "not found" else 200), (name, path)
        assert_secure_headers(first, path)
        if name != "not found":  # the same headers go to every reader of a shared page
            again = client.get(path, secure=True)
            assert [again.get(h) for h in SHARED_HEADERS] == [first.get(h) for h in SHARED_HEADERS]
    assert "public" in client.get("/", secure=True)["Cache-Control"]


def test_the_admin_and_the_moderation_queue_send_the_security_headers(client, editor, prod):
    for path in ("/admin/login/", "/moderation/"):
        response = client.get(path, secure=True)
        assert response.status_code in (200, 302), path
        assert_secure_headers(response, path)
    client.force_login(editor)
    for path in ("/admin/", "/admin/articles/article/", "/admin/articles/article/add/"):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert_secure_headers(response, path)


def test_a_share_link_preview_never_leaks_its_address_nor_is_stored(client, site, editor, prod):
    draft = Article.objects.create(
        desk=site.desk, headline="Embargoed story", slug="embargoed", standfirst="Soon."
    )
    link = share_link_create(article=draft, user=editor)
    response = client.get(link.get_absolute_url(), secure=True)
    assert response.status_code == 200
    assert_secure_headers(response, "preview", referrer="no-referrer")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex, nofollow"


def test_a_public_page_is_the_same_bytes_and_headers_for_every_reader(client, site, prod):
    """No nonce, token or date: a shared cache may give one reader's copy to the next."""
    first = client.get(site.get_absolute_url(), secure=True)
    second = Client().get(site.get_absolute_url(), secure=True)
    assert first.content == second.content
    assert [first[h] for h in SHARED_HEADERS] == [second[h] for h in SHARED_HEADERS]
    assert "nonce" not in csp(first)["script-src"][-1]
    assert not first.cookies and not second.cookies
    assert "Cookie" not in first.get("Vary", "")


def test_staff_pages_and_a_signed_in_readers_pages_are_never_shared(client, site, moderator, prod):
    client.force_login(moderator)
    for path in ("/moderation/", "/admin/", site.get_absolute_url()):
        response = client.get(path, secure=True)
        assert response.status_code == 200, path
        assert "public" not in response["Cache-Control"], path


def test_no_page_has_inline_scripts_styles_or_event_handlers_without_a_nonce(
    client, site, moderator, prod
):
    """CSP without 'unsafe-inline' would block them: the page would silently break."""
    paths = [path for path in PUBLIC_PAGES.values() if path] + [site.get_absolute_url()]
    client.force_login(moderator)
    paths += ["/moderation/", "/admin/", "/admin/comments/comment/"]
    for path in paths:
        html = client.get(path, secure=True).content.decode()
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path
        # JSON-LD is a data block, which CSP neither runs nor blocks.
        script = r"<script(?![^>]*\b(src|nonce)=)(?![^>]*application/ld\+json)[^>]*>"
        assert not re.search(script, html), path
        assert not re.search(r"<style(?![^>]*\bnonce=)[^>]*>", html), path


def test_plain_http_is_redirected_to_https_except_the_health_check(client, site, prod):
    response = client.get("/technology/")
    assert response.status_code == 301
    assert response.headers["Location"] == "https://testserver/technology/"
    assert client.get("/healthz").status_code == 200  # load balancers probe over plain HTTP


def test_every_cookie_the_site_sets_is_secure_and_http_only_in_production(
    client, site, editor, prod
):
    seen = {}
    page = client.get(site.get_absolute_url(), secure=True)
    posted = client.post(f"{site.get_absolute_url()}comments/", form_data(), secure=True)
    assert posted.status_code == 303
    assert not page.cookies and not posted.cookies  # a reader is never given a cookie
    seen |= dict(client.get("/admin/login/", secure=True).cookies)  # the CSRF cookie
    login = client.post(
        "/admin/login/", {"username": "editor", "password": "pw-editor"}, secure=True
    )
    assert login.status_code == 302
    seen |= dict(login.cookies)
    assert {"csrftoken", "sessionid"} <= set(seen)
    for name, morsel in seen.items():
        assert morsel["secure"] is True, name
        assert morsel["httponly"] is True, name
        assert morsel["samesite"] == "Lax", name


def test_placeholder_like_text_in_user_content_is_shown_as_written(client, site, editor, prod):
    """No per-response filling exists any more: text that looks like a placeholder stays
    text, in a public page and in a staff preview alike."""
    tricks = "__NR_CSRF_TOKEN__ __NR_CSP_NONCE__ __NR_COMMENT_STAMP__"
    draft = Article.objects.create(
        desk=site.desk, headline="Drafted", slug="drafted", standfirst=tricks, body=tricks
    )
    client.force_login(editor)
    preview = client.get(draft.get_absolute_url(), secure=True).content.decode()
    assert preview.count("__NR_CSRF_TOKEN__") >= 2
    assert client.cookies.get("csrftoken") is None or (
        client.cookies["csrftoken"].value not in preview
    )
