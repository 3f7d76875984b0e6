"""`manage.py erase_commenter EMAIL`: anonymise one person's comments (a privacy request)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from comments.services import commenter_erase


class Command(BaseCommand):
    help = 'Anonymise every comment from EMAIL: name "Removed", email and IP hash cleared.'

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        try:
            validate_email(email.strip())
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address") from None
        count = commenter_erase(email=email)
        self.stdout.write(f"Anonymised {count} comment{'s' if count != 1 else ''} from {email}.")
