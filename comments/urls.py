from django.urls import path

from articles.urls import ARTICLE_ADDRESS
from comments import views

app_name = "comments"

urlpatterns = [
    # The article's own address plus comments/ (DESIGN.md, "URLs").
    path(f"{ARTICLE_ADDRESS}comments/", views.comment_post, name="post"),
    path("comments/<int:comment_id>/report/", views.comment_report, name="report"),
]
