"""Article bodies become the rich text editor's HTML.

Each body's Markdown is rendered as the public page showed it (articles.markdown) and put
through the editor's allow-list (articles.body), so the page keeps the same text,
headings, links and aside. The Markdown stays in `body_markdown` for one release, and the
bodies kept in revisions are converted the same way, so restoring an old revision brings
back HTML, not Markdown. Rows are updated in place: no save, no new version, no purge (the
page's text does not change)."""

from django.db import migrations, models


def bodies_to_html(apps, schema_editor):
    from articles.markdown import body_from_markdown

    Article = apps.get_model("articles", "Article")
    Revision = apps.get_model("articles", "Revision")
    for article in Article.objects.only("pk", "body").iterator():
        html = body_from_markdown(article.body)
        Article.objects.filter(pk=article.pk).update(
            body=html, body_html=html, body_markdown=article.body
        )
    for revision in Revision.objects.only("pk", "changes").iterator():
        if "body" in revision.changes:
            changes = revision.changes | {"body": body_from_markdown(revision.changes["body"])}
            Revision.objects.filter(pk=revision.pk).update(changes=changes)


def bodies_to_markdown(apps, schema_editor):
    """Back to the Markdown kept aside. Revisions stay in HTML: their Markdown was not kept,
    and typed HTML in a Markdown body shows as text, never as HTML."""
    from articles.markdown import render_markdown

    Article = apps.get_model("articles", "Article")
    for article in Article.objects.only("pk", "body_markdown").iterator():
        Article.objects.filter(pk=article.pk).update(
            body=article.body_markdown, body_html=render_markdown(article.body_markdown)
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0012_correction_withdrawal")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="body_markdown",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                blank=True, help_text="Rich text, cleaned by one allow-list on save."
            ),
        ),
        migrations.RunPython(bodies_to_html, bodies_to_markdown),
    ]
