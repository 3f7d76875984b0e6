from django.contrib import admin
from django.urls import include, path

from newsroom.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("moderation/", include("comments.moderation_urls")),
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]
