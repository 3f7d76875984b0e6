"""The demo newsroom's live blog (`manage.py loaddemo`): a running blog on the Technology
desk, following the day of the seed story, with six entries: one pinned as a key event,
one with a photo (caption and credit), one with an embedded video.

The entries go through live.services as an editor posts them, then take the times they
are meant to have been posted at (a demo backdates; nothing else does)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape

from live import services
from live.models import LiveBlog, LiveEntry

ARTICLE = {
    "desk": "technology",
    "slug": "deepseek-v4-day-one-live",
    "headline": "DeepSeek V4, day one: developers put the new models to the test",
    "standfirst": (
        "Live coverage as developers, researchers and rival labs react to the release of "
        "DeepSeek's V4 series, and as the first independent benchmark results come in."
    ),
    "hours_ago": 3,
    "bylines": [("mei-lin", "by"), ("jonas-berg", "reporting")],
    "topics": ["artificial-intelligence", "open-source"],
    "photo": ("servers", 41, "Rows of servers in a data centre, their status lights glowing."),
    "body": """\
DeepSeek released its V4 series overnight. We are following the reaction through the day:
the first benchmarks, what developers find, and what rival labs say.
""",
}

# (minutes after the start, headline, body as HTML; "[[photo]]" is the photo; key event?)
ENTRIES = [
    (
        5,
        "The models are out",
        "<p>The weights for the V4 series are now downloadable under an open licence, "
        "along with a technical report of some 60 pages.</p>",
        False,
    ),
    (
        35,
        "First independent coding benchmark",
        "<p>An independent evaluation group says V4 scores within two points of the best "
        "closed model on its coding suite, and ahead of it on two of five reasoning "
        "tasks.</p><p>It cautions that the results are preliminary.</p>",
        True,
    ),
    (
        70,
        "",
        "<p>Queues at the cloud providers offering the model: several report waiting lists "
        "for dedicated capacity this morning.</p>[[photo]]",
        False,
    ),
    (
        105,
        "Watch: how the benchmarks are run",
        "<p>For readers wondering how such scores are produced, this explainer walks "
        "through the method.</p>"
        '<figure data-embed-url="https://www.youtube.com/watch?v=aircAruvnKk"></figure>',
        False,
    ),
    (
        140,
        "",
        "<p>A rival lab's chief scientist, in a post this afternoon: <em>“open weights at "
        "this level change the conversation about safety testing.”</em></p>",
        False,
    ),
    (
        170,
        "What we know so far",
        "<ul><li>The V4 series is released with open weights.</li><li>Early benchmarks put "
        "it close to the leading closed models.</li><li>Demand for hosted capacity has "
        "spiked.</li></ul>",
        False,
    ),
]

PHOTO = {
    "scene": "servers",
    "seed": 77,
    "alt_text": "A data centre aisle lit blue, racks of servers on both sides.",
    "caption": "Cloud providers report waiting lists for dedicated capacity.",
    "credit_name": "Alverno Alpha Graphics",
    "credit_url": "",
    "copyright_notice": "Illustration made for the demo newsroom.",
}


def live_demo_load(*, article, editor, reporter, make_photo) -> LiveBlog:
    """Run `article` as a live blog started `hours_ago` hours ago, with ENTRIES.
    `make_photo(spec, slug=...)` is loaddemo's way to make a photo."""
    started = article.published_at or timezone.now()
    blog = services.live_blog_start(article=article, user=editor, started_at=started)
    photo = make_photo(PHOTO, slug=f"{article.slug}-entry")
    figure = f'<figure data-photo-id="{escape(photo.pk)}"></figure>'
    for minutes, headline, body, key_event in ENTRIES:
        entry = services.live_entry_post(
            blog=blog,
            user=editor,
            headline=headline,
            body=body.replace("[[photo]]", figure),
            key_event=key_event,
        )
        LiveEntry.objects.filter(pk=entry.pk).update(
            published_at=started + timedelta(minutes=minutes)
        )
    # One posted by the reporter, waiting for the desk's editors in the composer.
    services.live_entry_post(
        blog=blog,
        user=reporter,
        body="<p>Developers on the project's forum report the smaller models run on a "
        "single consumer graphics card.</p>",
    )
    return blog
