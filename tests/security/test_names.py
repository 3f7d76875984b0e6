"""Names shown on public pages and in emails hold no line breaks and no bidi controls.

A CR/LF in a name splits a header or a log line; a right-to-left override (U+202E) makes
"Photo: Ann\u202egnp.exe" read as something else. Commenters, authors and photo credits
alike are refused with a form error, and credits read from a file's metadata are cleaned.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.models import Author
from comments.models import Comment
from photos import renditions
from photos.models import Photo
from tests.articles import renditions_images as images
from tests.comments.conftest import form_data, post_url
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BAD_NAMES = [
    "Ada\r\nBcc: everyone@example.net",
    "Ada\nLovelace",
    "Ada\rLovelace",
    "Ann\u202egnp.exe",
    *(f"Ann{chr(code)}Lee" for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
]
IDS = [
    "crlf",
    "lf",
    "cr",
    "rlo",
    *(f"U+{c:04X}" for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]),
]


@pytest.mark.parametrize("name", BAD_NAMES, ids=IDS)
def test_a_commenter_name_with_a_line_break_or_bidi_control_is_a_form_error(client, name):
    article = ArticleFactory(slug="tidal-power")

    response = client.post(post_url(article), form_data(name=name))

    assert response.status_code == 400
    assert "line breaks or text-direction" in response.content.decode()
    assert Comment.objects.count() == 0


def test_names_in_right_to_left_scripts_are_welcome(client):
    article = ArticleFactory(slug="tidal-power")
    for name in ["مريم العلي", "דניאל כהן", "Zoë O’Brien-Łukasz"]:
        response = client.post(post_url(article), form_data(name=name, email=f"{len(name)}@x.org"))
        assert response.status_code == 303
    assert sorted(Comment.objects.values_list("name", flat=True)) == sorted(
        ["مريم العلي", "דניאל כהן", "Zoë O’Brien-Łukasz"]
    )


@pytest.mark.parametrize("name", BAD_NAMES[:4], ids=IDS[:4])
def test_an_author_name_is_checked_in_the_admin(client, editor, name):
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_author_add"),
        {"name": name, "slug": "ann", "job_title": "", "bio": "", "email": "", "user": ""},
    )
    assert response.status_code == 200
    assert "text-direction" in " ".join(response.context["adminform"].form.errors["name"])
    assert Author.objects.count() == 0


@pytest.mark.parametrize("name", BAD_NAMES[:4], ids=IDS[:4])
def test_a_photo_credit_is_checked_by_the_model(name):
    photo = Photo(
        alt_text="A platform",
        credit_name=name,
        image=SimpleUploadedFile("p.jpg", images.jpeg()),
    )
    with pytest.raises(ValidationError) as refused:
        photo.full_clean()
    assert "credit_name" in refused.value.message_dict


def test_a_credit_read_from_the_files_metadata_is_cleaned():
    xmp = images.xmp_packet().replace(
        images.XMP_CREDIT.encode(), "Valentina\u202e Ruiz\r\nBcc: x".encode()
    )
    embedded = renditions.ingest(images.jpeg(xmp=xmp)).embedded
    assert embedded.credit == "Valentina Ruiz Bcc: x"
