"""What the admin's article form posts, built by hand so tests can also craft what it never
would (a reporter's status=published, a bulk action the reporter was not offered)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from articles.models import Article

CHANGELIST = "admin:articles_article_changelist"
ADD = "admin:articles_article_add"


def change_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def split(value) -> tuple[str, str]:
    if value is None:
        return "", ""
    local = timezone.localtime(value)
    return local.strftime("%Y-%m-%d"), local.strftime("%H:%M:%S")


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def article_form(article: Article | None = None, **overrides) -> dict:
    """The article change form's POST data: `article`'s current values, then `overrides`
    (datetimes given as `published_at=<datetime>` are split for the admin's widget)."""
    values = {
        "headline": "A headline",
        "slug": "a-headline",
        "desk": "",
        "standfirst": "A standfirst.",
        "body": "A paragraph.",
        "hero_photo": "",
        "social_title": "",
        "social_description": "",
        "social_photo": "",
        "topics": [],
        "status": Article.Status.DRAFT,
        "published_at": None,
        "embargo_until": None,
        "updated_at": None,
        "is_breaking": False,
        "breaking_until": None,
        "is_top_story": False,
        "top_story_order": 0,
        "comments_enabled": True,
        "comments_close_after_days": "",
    }
    if article is not None:
        for name in values:
            if name == "topics":
                values[name] = [t.pk for t in article.topics.all()]
            elif name in ("desk", "hero_photo", "social_photo"):
                values[name] = getattr(article, f"{name}_id") or ""
            else:
                values[name] = getattr(article, name)
    values.update(overrides)
    data: dict = {}
    for name, value in values.items():
        if name in ("published_at", "embargo_until", "updated_at", "breaking_until"):
            data[f"{name}_0"], data[f"{name}_1"] = split(value)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        else:
            data[name] = value
    bylines = list(article.bylines.all()) if article is not None and article.pk else []
    data.update(management("bylines", total=len(bylines), initial=len(bylines)))
    for i, byline in enumerate(bylines):
        data.update(
            {
                f"bylines-{i}-id": byline.pk,
                f"bylines-{i}-article": article.pk,
                f"bylines-{i}-author": byline.author_id,
                f"bylines-{i}-role": byline.role,
                f"bylines-{i}-order": byline.order,
            }
        )
    corrections = list(article.corrections.all()) if article is not None and article.pk else []
    data.update(management("corrections", total=len(corrections), initial=len(corrections)))
    for i, correction in enumerate(corrections):
        day, time = split(correction.created_at)
        data.update(
            {
                f"corrections-{i}-id": correction.pk,
                f"corrections-{i}-article": article.pk,
                f"corrections-{i}-kind": correction.kind,
                f"corrections-{i}-text": correction.text,
                f"corrections-{i}-created_at_0": day,
                f"corrections-{i}-created_at_1": time,
            }
        )
    if article is not None and article.pk:
        data["version"] = article.version  # the version the form was opened on (issue 8)
    data["_save"] = "Save"
    return data


def action(name: str, *articles: Article, location: str = "changelist") -> dict:
    """POST data that runs a bulk action on the changelist (or a change form's action)."""
    if location == "change_form":
        return {"CHANGE_FORM-action": name, "_selected_action": [a.pk for a in articles]}
    return {"action": name, "_selected_action": [a.pk for a in articles], "index": "0"}


def errors(response) -> str:
    """Every error the admin shows on a re-rendered form, as one string."""
    context = response.context
    parts = []
    if context and "adminform" in context:
        form = context["adminform"].form
        parts += [f"{field}: {' '.join(errs)}" for field, errs in form.errors.items()]
    if context and "inline_admin_formsets" in context:
        for formset in context["inline_admin_formsets"]:
            parts += [str(formset.formset.errors), str(formset.formset.non_form_errors())]
    return " | ".join(parts)


def model_form(obj, **overrides) -> dict:
    """An admin change form's POST data for a desk, author or photo, as a browser sends it
    for the form as shown: the object's current values (a file input left empty keeps the
    stored file), then `overrides`."""
    from django.contrib import admin
    from django.db.models.fields.files import FieldFile
    from django.forms.models import model_to_dict

    form = admin.site._registry[type(obj)].form
    fields = getattr(getattr(form, "_meta", None), "fields", None)  # None: every editable field
    data = {}
    for name, value in {**model_to_dict(obj, fields=fields), **overrides}.items():
        if isinstance(value, FieldFile):
            continue
        if isinstance(value, list):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = "" if value is None else getattr(value, "pk", value)
    data["_save"] = "Save"
    return data
