"""No posted comment, however malformed, makes the pipeline fail with anything but a clear
answer: 303 (stored, or already stored), 400 (the form again, with the errors) or 429 (too
fast). Hypothesis writes the POSTs: each field missing, repeated, empty, huge, full of tag
soup or NUL characters; parents
that exist, are held, are too deep, belong to another article or do not exist.

The invariant behind the status: a 303 stores at most one comment, anything else stores none.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comments import services
from comments.models import Comment
from tests.support.factories import ArticleFactory, CommentFactory
from tests.test_property_sanitisers import soup

pytestmark = pytest.mark.django_db

PIPELINE = settings(
    max_examples=80,
    deadline=None,
    database=None,
    # One article and its comments serve every example: that sharing is the point (later
    # posts meet earlier ones as duplicates, history and parents).
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


text_values = st.one_of(soup, st.text(max_size=200), st.just("x" * 5001), st.just("\x00"))
emails = st.one_of(st.emails(), text_values, st.just("ADA@Example.NET "))
ticks = st.one_of(st.just("on"), st.just(""), st.text(max_size=5))


@st.composite
def posts(draw, parents: list[str]) -> dict[str, object]:
    fields = {
        "name": draw(text_values),
        "email": draw(emails),
        "body": draw(text_values),
        "parent": draw(st.one_of(st.just(""), st.sampled_from(parents), st.text(max_size=12))),
        "website": draw(st.one_of(st.just(""), st.just(""), st.text(max_size=20))),
        "notify_on_publish": draw(ticks),
        "notify_on_reply": draw(ticks),
    }
    dropped = draw(st.sets(st.sampled_from(sorted(fields))))
    repeated = draw(st.sets(st.sampled_from(sorted(fields))))
    return {
        name: [value, value] if name in repeated else value
        for name, value in fields.items()
        if name not in dropped
    }


@pytest.fixture
def world(settings):
    settings.COMMENTS_RATE_PER_MINUTE = 10**6  # exercise every check, not just the limiter
    settings.COMMENTS_RATE_PER_DAY = 10**6
    settings.PAGE_CACHE_ENABLED = False
    article = ArticleFactory(slug="tides")
    approved = CommentFactory(article=article)
    services.comment_moderate(decision="approve", comment=approved, moderator=None)
    reply = CommentFactory(article=article, parent=approved)
    services.comment_moderate(decision="approve", comment=reply, moderator=None)
    deepest = CommentFactory(article=article, parent=reply)
    services.comment_moderate(decision="approve", comment=deepest, moderator=None)
    held = CommentFactory(article=article)
    elsewhere = CommentFactory()
    services.comment_moderate(decision="approve", comment=elsewhere, moderator=None)
    parents = [str(c.pk) for c in (approved, reply, deepest, held, elsewhere)] + ["0", "-1"]
    return article, parents


@PIPELINE
@given(data=st.data())
def test_any_post_gets_a_clear_answer_and_stores_at_most_one_comment(client, world, data):
    article, parents = world
    post = data.draw(posts(parents))
    before = Comment.objects.count()
    response = client.post(f"{article.get_absolute_url()}comments/", post)
    stored = Comment.objects.count() - before
    assert response.status_code in (303, 400, 429), (response.status_code, post)
    if response.status_code == 303:
        assert stored in (0, 1), post  # 0: the same comment was already stored
        assert response.headers["Location"].startswith(f"{article.get_absolute_url()}?posted=")
    else:
        assert stored == 0, post
        assert b"Leave a comment" in response.content  # the form again, not an error page


@PIPELINE
@given(data=st.data())
def test_the_service_refuses_or_stores_whatever_the_form_lets_through(world, data):
    """Straight to comments.services: every input the form accepts is stored or refused."""
    from comments.forms import CommentForm

    article, parents = world
    post = data.draw(posts(parents))
    form = CommentForm(
        {k: v[-1] if isinstance(v, list) else v for k, v in post.items()}, article=article
    )
    if not form.is_valid():
        assert form.errors  # a validation error with a message: the view shows it as 400
        return
    cleaned = form.cleaned_data
    result = services.comment_submit(
        submission=services.Submission(
            article=article,
            parent=cleaned["parent"],
            name=cleaned["name"],
            email=cleaned["email"],
            body=cleaned["body"],
            honeypot=cleaned["website"],
            ip="203.0.113.9",
            # What an HTTP header can carry: no control characters.
            user_agent=data.draw(st.text(st.characters(exclude_categories=["Cc", "Cs"]))),
        )
    )
    assert (result.comment is not None) != bool(result.rejected)
    if result.rejected:
        assert result.message
