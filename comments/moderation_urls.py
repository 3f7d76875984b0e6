app_name = "moderation"

urlpatterns: list = [
    # /moderation/ queue, /moderation/<id>/ decision, /moderation/bulk/
]
