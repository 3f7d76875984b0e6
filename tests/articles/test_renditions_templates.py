"""What templates get from renditions: the <picture> include, crops and the ImageObject."""

import json
import re

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from photos.models import Photo
from photos.renditions import output_formats
from photos.services import photo_process
from tests.articles import renditions_images as images
from tests.factories import ArticleFactory, DeskFactory, PhotoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ready_photo() -> Photo:
    photo = PhotoFactory(
        image=ContentFile(images.jpeg(images.picture(2400, 1600)), name="hero.jpg"),
        alt_text='Commuters & "night" trains',
        copyright_notice="© 2026 Abderrahmane Habibi",
        license_url="https://www.pexels.com/license/",
    )
    return photo_process(photo_id=photo.pk)


def render_picture(**context) -> str:
    return render_to_string("includes/picture.html", context)


def srcset_widths(srcset: str) -> list[int]:
    return [int(width) for width in re.findall(r" (\d+)w", srcset)]


def attribute(html: str, tag: str, name: str) -> list[str]:
    return re.findall(rf'<{tag}\b[^>]*\b{name}="([^"]*)"', html)


def test_a_ready_photo_renders_a_picture_with_modern_formats_first_and_jpeg_fallback(
    ready_photo,
):
    html = render_picture(photo=ready_photo, sizes="(min-width: 60rem) 60rem, 100vw")

    types = attribute(html, "source", "type")
    assert types == [{"avif": "image/avif", "webp": "image/webp"}[f] for f in output_formats()[:-1]]
    for srcset in attribute(html, "source", "srcset") + attribute(html, "img", "srcset"):
        assert srcset_widths(srcset) == [320, 640, 960, 1280, 1920]
    assert attribute(html, "source", "sizes") == ["(min-width: 60rem) 60rem, 100vw"] * len(types)
    assert attribute(html, "img", "sizes") == ["(min-width: 60rem) 60rem, 100vw"]
    (src,) = attribute(html, "img", "src")
    assert src.endswith(".jpg") and "/renditions/" in src and "w960" in src
    assert attribute(html, "img", "width") == ["1920"]
    assert attribute(html, "img", "height") == ["1280"]
    assert attribute(html, "img", "alt") == ["Commuters &amp; &quot;night&quot; trains"]
    assert ready_photo.image.url not in html


def test_every_srcset_url_is_a_rendition_file_of_the_right_format(ready_photo):
    html = render_picture(photo=ready_photo)
    files = {r.url: r for r in ready_photo.renditions.all()}

    for source_type, srcset in zip(
        attribute(html, "source", "type"), attribute(html, "source", "srcset"), strict=True
    ):
        for url in re.findall(r"(\S+) \d+w", srcset):
            assert files[url].mime_type == source_type


def test_below_the_fold_is_lazy_and_the_hero_is_eager_with_high_priority(ready_photo):
    card = render_picture(photo=ready_photo)
    hero = render_picture(photo=ready_photo, hero=True)

    assert 'loading="lazy"' in card and "fetchpriority" not in card
    assert 'loading="eager"' in hero and 'fetchpriority="high"' in hero
    assert attribute(card, "img", "sizes") == ["100vw"]  # a safe default


def test_a_pending_photo_falls_back_to_its_original_with_its_size():
    photo = PhotoFactory(image=ContentFile(images.jpeg(images.picture(1200, 800)), name="a.jpg"))

    html = render_picture(photo=photo, hero=True)

    assert "<picture>" not in html and "srcset" not in html
    assert attribute(html, "img", "src") == [photo.image.url]
    assert attribute(html, "img", "width") == ["1200"] and attribute(html, "img", "height") == [
        "800"
    ]
    assert 'fetchpriority="high"' in html


def test_a_failed_photo_also_falls_back_to_the_original(ready_photo):
    Photo.objects.filter(pk=ready_photo.pk).update(status=Photo.Status.FAILED, error="x")
    photo = Photo.objects.get(pk=ready_photo.pk)

    assert attribute(render_picture(photo=photo), "img", "src") == [photo.image.url]


def test_no_photo_renders_nothing():
    assert render_picture(photo=None).strip() == ""


def test_cards_get_their_pictures_in_a_fixed_number_of_queries(django_assert_max_num_queries):
    for _ in range(6):
        photo = PhotoFactory(image=ContentFile(images.jpeg(images.picture(700, 400)), name="p.jpg"))
        photo_process(photo_id=photo.pk)
        ArticleFactory(hero_photo=photo)

    with django_assert_max_num_queries(3):  # articles, bylines, renditions
        articles = list(Article.objects.published().for_listing())
        html = "".join(render_picture(photo=article.hero_photo) for article in articles)

    assert html.count("<picture>") == 6


def test_crop_url_points_at_the_crop_once_ready_and_at_the_original_before():
    photo = PhotoFactory(image=ContentFile(images.jpeg(images.picture(1600, 1000)), name="a.jpg"))
    assert photo.crop_url("16x9") == photo.image.url
    assert photo.crop("16x9") is None

    photo = photo_process(photo_id=photo.pk)

    crop = photo.crop("4x3")
    assert (crop.width, crop.height) == (1200, 900)
    assert photo.crop_url("4x3") == crop.url and crop.url.endswith(".jpg")


def test_schema_is_an_image_object_with_the_crop_and_every_credit(ready_photo, settings):
    settings.SITE_URL = "https://news.example"

    data = ready_photo.schema()

    crop = ready_photo.crop("16x9")
    assert data == {
        "@type": "ImageObject",
        "url": "https://news.example" + crop.url,
        "contentUrl": "https://news.example" + crop.url,
        "width": 1200,
        "height": 675,
        "caption": "Commuters at a metro station.",
        "creditText": "Abderrahmane Habibi",
        "creator": {
            "@type": "Person",
            "name": "Abderrahmane Habibi",
            "url": "https://www.pexels.com/@abdoo",
        },
        "copyrightNotice": "© 2026 Abderrahmane Habibi",
        "license": "https://www.pexels.com/license/",
    }
    assert [image["width"] / image["height"] for image in ready_photo.schema_images()] == [
        1200 / 675,
        1200 / 900,
        1.0,
    ]


def test_schema_leaves_out_credits_that_are_not_set():
    photo = PhotoFactory(credit_name="", credit_url="", caption="")

    data = photo.schema()

    assert not {"creditText", "creator", "copyrightNotice", "license"} & set(data)
    assert data["caption"] == photo.alt_text
    assert photo.schema_images() == [data]  # pending: the original, once


# --- The pages that show photos (their templates are the public site's; these check what
# the renditions give them) ---------------------------------------------------------------


def meta(html: str, key: str) -> str:
    (value,) = re.findall(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return value


def test_the_article_page_shows_the_hero_as_a_picture_and_previews_use_the_16x9_crop(
    client, ready_photo, settings
):
    article = ArticleFactory(hero_photo=ready_photo)

    html = client.get(article.get_absolute_url()).content.decode()

    crop = ready_photo.crop("16x9")
    assert meta(html, "og:image") == settings.SITE_URL + crop.url
    assert (meta(html, "og:image:width"), meta(html, "og:image:height")) == ("1200", "675")
    assert meta(html, "twitter:image") == settings.SITE_URL + crop.url
    assert '<picture><source type="image/' in html
    assert 'fetchpriority="high"' in html
    (jsonld,) = re.findall(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
    images_ld = json.loads(jsonld)["image"]
    assert [(i["width"], i["height"]) for i in images_ld] == [
        (1200, 675),
        (1200, 900),
        (1200, 1200),
    ]
    assert {i["creditText"] for i in images_ld} == {"Abderrahmane Habibi"}
    assert images_ld[0]["creator"]["url"] == "https://www.pexels.com/@abdoo"
    assert images_ld[0]["license"] == "https://www.pexels.com/license/"


def test_the_feed_gives_the_crop_as_media_content_with_the_credit(client, ready_photo):
    ArticleFactory(hero_photo=ready_photo)

    feed = feedparser.parse(client.get("/feed/").content)

    (media,) = feed.entries[0].media_content
    assert media["url"].endswith(ready_photo.crop("16x9").url)
    assert (media["width"], media["height"]) == ("1200", "675")
    assert feed.entries[0].media_credit[0]["content"] == "Abderrahmane Habibi"


def test_home_page_cards_use_renditions_without_a_query_per_card(
    client, settings, django_assert_max_num_queries
):

    def add_articles(count: int) -> None:
        for _ in range(count):
            image = ContentFile(images.jpeg(images.picture(700, 400)), name="p.jpg")
            photo = photo_process(photo_id=PhotoFactory(image=image).pk)
            ArticleFactory(hero_photo=photo)

    add_articles(3)
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    add_articles(6)

    with django_assert_max_num_queries(len(few)):
        html = client.get("/").content.decode()

    assert html.count("<picture>") >= 4
    assert "/media/photos/" not in html  # every card shows renditions, not an original


def test_cards_credit_the_photographer_with_the_link(client, settings):
    desk = DeskFactory()
    for credit_url in ["https://photos.example/ana", ""]:
        photo = PhotoFactory(
            credit_name=f"Ana Lima{credit_url and ' (linked)'}", credit_url=credit_url
        )
        ArticleFactory(desk=desk, hero_photo=photo)
    ArticleFactory(desk=desk, hero_photo=PhotoFactory(credit_name=""))

    html = client.get(desk.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()

    linked = 'Photo: <a href="https://photos.example/ana" rel="noopener">Ana Lima (linked)</a>'
    assert linked in html
    assert "Photo: Ana Lima</span>" in html
    assert "Photo: </span>" not in html  # no empty credit for an uncredited photo
    assert 'class="card__credit credit">Photo: ' in home
