from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = "Comments and moderation"

    def ready(self) -> None:
        from comments.models import Term
        from comments.services import terms_forget

        # Every post reads the terms from the cache: any change, admin or code, forgets it.
        post_save.connect(terms_forget, sender=Term, dispatch_uid="comments-terms-saved")
        post_delete.connect(terms_forget, sender=Term, dispatch_uid="comments-terms-deleted")
