"""The site's URLs and the uploaded media, for browser tests that look at pictures in the
admin: the test server serves /static/ only (nginx or the bucket serves /media/ in
production, runserver under `make run`)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from newsroom.urls import urlpatterns as site


def media(request, path: str):
    # MEDIA_ROOT is each test's own temporary folder: read it per request.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.+)$", media), *site]
