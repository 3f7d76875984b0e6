"""A reader's comment: the form a browser posts, and the submission the services receive."""

from __future__ import annotations

import itertools

from comments.services import Submission, comment_submit

_numbers = itertools.count(1)


def post_url(article) -> str:
    return f"{article.get_absolute_url()}comments/"


def form_data(**overrides) -> dict:
    data = {
        "name": "Ada Reader",
        "email": "ada@example.net",
        "body": "A careful point about tidal barrages and estuary birds.",
        "parent": "",
        "website": "",
    }
    data.update(overrides)
    return data


def submission(article, **overrides) -> Submission:
    fields = {
        "article": article,
        "parent": None,
        "name": "Grace",
        "email": "grace@example.net",
        "body": "Harbour walls and tides.",
        "honeypot": "",
        "ip": "192.0.2.10",
        "user_agent": "pytest",
    }
    return Submission(**(fields | overrides))


def submit(article, *, body="A thoughtful point about the fares.", parent=None, **extra):
    """A comment through the whole pipeline, from a new reader each time (name, email and
    address numbered); fails the test if the pipeline rejects it."""
    n = next(_numbers)
    fields = {
        "name": f"Reader {n}",
        "email": f"reader{n}@example.org",
        "ip": f"10.0.{n // 250}.{n % 250}",
    }
    fields.update(extra)
    result = comment_submit(submission=submission(article, body=body, parent=parent, **fields))
    assert result.comment is not None, result.rejected
    return result.comment
