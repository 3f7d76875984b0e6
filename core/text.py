"""Rules for text that leaves the site in feeds, JSON-LD and email headers: names without
line breaks or direction overrides, plain text without control characters, and the model
mixin that checks a model's plain-text fields wherever it is cleaned."""

from __future__ import annotations

import re
from typing import ClassVar

from django.core.exceptions import ValidationError

# Characters no text of ours has a use for, and XML 1.0 cannot carry (a feed with one is not
# XML at all): the C0 controls but tab, line feed and carriage return; DEL and the C1
# controls; and the two non-characters U+FFFE and U+FFFF.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

# Characters a name shown on a page, in a feed or in an email header must not hold: line
# breaks (a header or log line split in two) and the bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) that make text after them read in another order. The
# marks a right-to-left name legitimately uses (U+200E, U+200F) stay allowed.
NAME_CONTROLS = re.compile("[\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def validate_name(value: str) -> None:
    """A person's name as shown publicly (a commenter, an author, a photo credit)."""
    if NAME_CONTROLS.search(value):
        raise ValidationError(
            "Names cannot contain line breaks or text-direction control characters.",
            code="control_characters",
        )


def clean_name(value: str) -> str:
    """`value` with what `validate_name` refuses turned into spaces (for names read from a
    file's metadata, which nobody typed into a form)."""
    return " ".join(NAME_CONTROLS.sub(" ", value).split())


def validate_plain_text(value: object) -> None:
    """Refuse text holding control characters: headlines, captions, credits, names and the
    like go into feeds and JSON-LD, where one invisible character breaks the document."""
    if isinstance(value, str) and (found := CONTROL_CHARACTERS.search(value)):
        raise ValidationError(
            f"This text holds an invisible control character (U+{ord(found.group()):04X}), "
            "usually pasted from another program. Delete it and type the text again.",
            code="control_character",
        )


def without_control_characters(value: str) -> str:
    """The text with any control characters dropped: for what is already stored."""
    return CONTROL_CHARACTERS.sub("", value)


class PlainText:
    """A model whose `plain_text_fields` refuse control characters (`validate_plain_text`):
    the text that feeds and JSON-LD carry, checked wherever the model is cleaned (every
    admin form, inlines included), declared once per model."""

    plain_text_fields: ClassVar[tuple[str, ...]] = ()

    def clean_fields(self, exclude=None) -> None:
        errors: dict[str, list] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for name in self.plain_text_fields:
            if name in (exclude or ()) or name in errors:
                continue
            try:
                validate_plain_text(getattr(self, name))
            except ValidationError as exc:
                errors[name] = exc.error_list
        if errors:
            raise ValidationError(errors)
