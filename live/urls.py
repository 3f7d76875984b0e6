"""The live blog's addresses. Included before articles.urls: the article's own address
is answered by `LiveArticleView`, the article page that shows a blog when there is one
(and is ArticleView itself otherwise), so articles need not know about live blogs."""

from django.urls import path

from articles.urls import ARTICLE_ADDRESS
from live import views

app_name = "live"

urlpatterns = [
    path(ARTICLE_ADDRESS, views.LiveArticleView.as_view(), name="article"),
    path(f"{ARTICLE_ADDRESS}entries/<int:entry_id>/", views.entry_permalink, name="permalink"),
    path("live/<int:blog_id>/poll.json", views.poll, name="poll"),
    path("live/<int:blog_id>/entries/<int:entry_id>/", views.entry_fragment, name="entry"),
    path("live/<int:blog_id>/feed/", views.LiveBlogFeed(), name="feed"),
]
