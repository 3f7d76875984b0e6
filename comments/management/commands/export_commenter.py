"""`manage.py export_commenter EMAIL`: print everything held about one commenter, as JSON."""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.services import commenter_export


class Command(BaseCommand):
    help = "Print the comments and data held about EMAIL as JSON (a subject access request)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address") from None
        self.stdout.write(json.dumps(commenter_export(email=email), indent=2, ensure_ascii=False))
