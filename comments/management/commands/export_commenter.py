"""`manage.py export_commenter EMAIL`: print everything held about one commenter, as JSON."""

import json

from django.core.management.base import BaseCommand

from comments.management.commands._arguments import commenter_email
from comments.services import commenter_export


class Command(BaseCommand):
    help = "Print the comments and data held about EMAIL as JSON (a subject access request)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", type=commenter_email)

    def handle(self, *args, email: str, **options) -> None:
        self.stdout.write(json.dumps(commenter_export(email=email), indent=2, ensure_ascii=False))
