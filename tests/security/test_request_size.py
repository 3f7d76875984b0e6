"""Request size: Django's upload limits are set, and the public comment POST refuses a body
bigger than any comment before a byte of it is read."""

from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from comments.models import Comment
from tests.support.comments import form_data, post_url
from tests.support.factories import ArticleFactory

pytestmark = pytest.mark.django_db

SEEN: list[str] = []


class RecordingUploadHandler(FileUploadHandler):
    """Notes every multipart part Django parses: if the view reads the body, it shows here."""

    def new_file(self, *args, **kwargs):
        SEEN.append("file")
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        SEEN.append("chunk")
        return raw_data

    def file_complete(self, file_size):
        return None

    def handle_raw_input(self, *args, **kwargs):
        SEEN.append("raw")


@pytest.fixture
def article(db):
    return ArticleFactory(slug="tidal-power")


@pytest.fixture
def recorder(settings):
    SEEN.clear()
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingUploadHandler"]
    return SEEN


def test_a_large_multipart_post_to_the_comment_url_is_refused_unread(client, article, recorder):
    data = form_data() | {"attachment": SimpleUploadedFile("big.bin", b"\0" * (3 << 20))}

    response = client.post(post_url(article), data)

    assert response.status_code == 413
    assert recorder == []  # no part of the body was parsed, nothing was spooled
    assert Comment.objects.count() == 0


def test_a_large_urlencoded_post_is_refused_too(client, article):
    body = urlencode(form_data(body="x" * 200_000))

    response = client.post(
        post_url(article), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 413
    assert Comment.objects.count() == 0


def test_the_longest_comment_in_any_script_still_fits(client, article):
    # 5,000 four-byte characters, percent-encoded as a browser sends them: 60,000 bytes.
    data = form_data(name="🦉" * 80, body="🦉" * 5000)
    body = urlencode(data)
    assert len(body) < django_settings.COMMENTS_MAX_REQUEST_BYTES

    response = client.post(
        post_url(article), body, content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 303
    assert Comment.objects.get().body == "🦉" * 5000


def test_django_upload_limits_are_set_for_what_the_forms_need():
    assert django_settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 4 << 20
    # The moderators' bulk decision sends up to 500 ids; nothing needs thousands of fields.
    assert 500 < django_settings.DATA_UPLOAD_MAX_NUMBER_FIELDS <= 1000
    assert django_settings.DATA_UPLOAD_MAX_NUMBER_FILES <= 10
    assert django_settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 << 20
