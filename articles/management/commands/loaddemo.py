"""`manage.py loaddemo`: the demo newsroom. Safe to run again: it changes nothing twice."""

import os
import secrets

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand

DEMO_USERS = [("editor", "Editors"), ("reporter", "Reporters"), ("moderator", "Moderators")]


class Command(BaseCommand):
    help = "Load the demo newsroom and its editor, reporter and moderator logins (idempotent)."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        for username, group in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
            )
            reset = created or bool(os.environ.get("DEMO_PASSWORD"))
            if reset:
                user.set_password(password)
                user.save()
            user.groups.add(Group.objects.get(name=group))
            note = f"password {password}" if reset else "password unchanged"
            self.stdout.write(f"Demo login: {username} ({group}) {note}")
