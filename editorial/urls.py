from django.urls import path

from editorial import views

app_name = "editorial"

urlpatterns = [
    path("preview/<str:token>/", views.SharePreviewView.as_view(), name="share-preview"),
]
