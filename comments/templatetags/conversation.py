"""`{% show_conversation article %}`: the article page's conversation block (owned by comments)."""

from django import template

register = template.Library()


@register.inclusion_tag("comments/conversation.html", takes_context=True)
def show_conversation(context, article):
    return {"article": article, "request": context.get("request"), "comments": []}
