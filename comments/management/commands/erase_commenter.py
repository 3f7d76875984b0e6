"""`manage.py erase_commenter EMAIL`: anonymise one person's comments (a privacy request)."""

from django.core.management.base import BaseCommand

from comments.management.commands._arguments import commenter_email
from comments.services import commenter_erase


class Command(BaseCommand):
    help = 'Anonymise every comment from EMAIL: name "Removed", email and IP hash cleared.'

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", type=commenter_email)

    def handle(self, *args, email: str, **options) -> None:
        count = commenter_erase(email=email)
        self.stdout.write(f"Anonymised {count} comment{'s' if count != 1 else ''} from {email}.")
