"""The article desk in Django admin. What lives where:

- articles.py: ArticleAdmin, the list and the form, with their filter and hooks
- actions.py: its actions (publish, unpublish, submit, breaking, share link)
- inlines.py: the form's bylines and corrections
- views.py: its workflow pages (scheduled, revisions, compare, restore, send back,
  withdraw a correction)
- editor.py: what the form's scripts talk to (edit lock, autosave, photo notice, card photo)
- share_links.py: ShareLinkAdmin

Only the registrations are here."""

from django.contrib import admin

from articles.models import Article
from editorial.admin.articles import ArticleAdmin
from editorial.admin.share_links import ShareLinkAdmin
from editorial.models import ShareLink

admin.site.register(Article, ArticleAdmin)
admin.site.register(ShareLink, ShareLinkAdmin)
