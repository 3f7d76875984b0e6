"""Share links on the public site: someone without a login reads an unpublished article."""

from __future__ import annotations

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render

from articles.models import Article
from articles.views import ArticleView, with_page_data
from editorial.models import SHARE_LINK_SALT, ShareLink


class SharePreviewView(ArticleView):
    """A share link: someone without a login reads an unpublished or embargoed
    article, marked Preview. A changed token fails its signature and is a plain 404; an
    expired or revoked link says so (410); once the article is public, the link goes to it."""

    def get(self, request, *args, **kwargs):
        link = share_link_from(self.kwargs["token"])
        if link is None:
            raise Http404("No such preview")
        if not link.is_active():
            response = render(
                request,
                "articles/share_link_ended.html",
                {"revoked": link.revoked_at is not None},
                status=410,
            )
            response.headers["Cache-Control"] = "private, no-store"
            response.headers["X-Robots-Tag"] = "noindex, nofollow"
            response.headers["Referrer-Policy"] = "no-referrer"
            return response
        self.object = with_page_data(Article.objects.filter(pk=link.article_id)).get()
        self.object.use_page_rows()
        if self.object.is_public():
            return redirect(self.object.get_absolute_url())
        context = self.get_context_data(object=self.object, share_link=link)
        return self.render_to_response(context)


def share_link_from(signed: str) -> ShareLink | None:
    """The link a signed token names, or None when the signature does not match."""
    try:
        token = signing.Signer(salt=SHARE_LINK_SALT).unsign(signed)
    except signing.BadSignature:
        return None
    return ShareLink.objects.filter(token=token).first()
