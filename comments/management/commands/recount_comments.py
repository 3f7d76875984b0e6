"""`manage.py recount_comments [ARTICLE_ID ...]`: rebuild the comment counts from the comments.

The services keep the counts exact as they go; this is for after a raw bulk load (the
benchmark's COPY), a restore, or any doubt. Each article is recounted in a transaction of
its own, holding its row, so posting and moderating carry on around it.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from comments.services import comment_counts_recount


class Command(BaseCommand):
    help = "Recount every article's comments per status and its shown (approved) count."

    def add_arguments(self, parser) -> None:
        parser.add_argument("article_ids", nargs="*", type=int, metavar="ARTICLE_ID")

    def handle(self, *args, article_ids: list[int], **options) -> None:
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
        if article_ids:
            unknown = sorted(set(article_ids) - set(ids))
            if unknown:
                raise CommandError(f"no article with id {', '.join(map(str, unknown))}")
            ids = sorted(set(article_ids))
        total = 0
        for article_id in ids:
            total += sum(comment_counts_recount(article_id=article_id).values())
        plural = "s" if len(ids) != 1 else ""
        self.stdout.write(f"Recounted {total} comments on {len(ids)} article{plural}.")
