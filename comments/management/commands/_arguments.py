"""Command-line arguments the privacy commands share (not a command: the name starts with _)."""

import argparse

from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def commenter_email(value: str) -> str:
    """The EMAIL a privacy command acts on. Anything else stops the command before it
    touches a row: with the usage line on the command line, a CommandError from code."""
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an email address") from None
    return email
