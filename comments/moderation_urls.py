from django.urls import path

from comments import moderation_views

app_name = "moderation"

urlpatterns = [
    path("", moderation_views.queue, name="queue"),
    path("bulk/", moderation_views.decide_bulk, name="bulk"),
    path("<int:comment_id>/", moderation_views.decide, name="decide"),
    path("<int:comment_id>/undo/", moderation_views.undo, name="undo"),
]
