from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from core.health import healthz, livez
from editorial.audit import audit
from notifications.staff import password_reset_urls, staff_login

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("livez", livez, name="livez"),
    path("admin/login/", staff_login, name="staff_login"),
    *password_reset_urls,
    path("admin/audit/", audit, name="admin_audit"),
    path("admin/", admin.site.urls),
    path("moderation/", include("comments.moderation_urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("comments.urls")),
    path("", include("editorial.urls")),
    path("", include("articles.urls")),
]
# Uploaded photos and renditions: served here under `make run` (DEBUG) only; in production
# nginx behind Varnish serves the media volume (deploy/nginx), or the bucket does.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
