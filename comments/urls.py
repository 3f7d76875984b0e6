from django.urls import path, re_path

from comments import views

app_name = "comments"

urlpatterns = [
    # Same address as the article page plus comments/ (DESIGN.md, "URLs").
    re_path(
        r"^(?P<desk>[-\w]+)/(?P<year>[0-9]{4})/(?P<month>[0-9]{2})/(?P<day>[0-9]{2})/"
        r"(?P<slug>[-\w]+)/comments/$",
        views.comment_post,
        name="post",
    ),
    path("comments/<int:comment_id>/report/", views.comment_report, name="report"),
]
