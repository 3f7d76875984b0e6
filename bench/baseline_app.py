"""The framework floor for `make bench`: a bare Django view returning a fixed body.

Run by gunicorn as `bench.baseline_app:application`; BASELINE_BYTES sets the body size
(the bench sets it to the measured size of the article page).
"""

import os

from django.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="baseline-bench-only",  # noqa: S106 - throwaway process, no sessions
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
    )

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

BODY = b"x" * int(os.environ.get("BASELINE_BYTES", "25000"))


def fixed(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", fixed)]
application = get_wsgi_application()
