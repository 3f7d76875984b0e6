app_name = "comments"

urlpatterns: list = [
    # POST /<desk>/<yyyy>/<mm>/<dd>/<slug>/comments/ (comments.views.post_comment)
]
