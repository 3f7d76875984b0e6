"""The page an invitation's link opens: the invited person chooses a username (unless the
address has an account to bring back) and a password, and is signed in. Every rule is
`articles.staff.invitation_accept`'s; this page only shows and translates."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from articles import staff


class AcceptForm(forms.Form):
    username = forms.CharField(max_length=150, required=False)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, new_account: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if new_account:
            self.fields["username"].required = True
            self.fields["username"].widget.attrs["autocomplete"] = "username"
        else:
            del self.fields["username"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "The two passwords differ.")
        return cleaned


@never_cache
@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = staff.invitation_read(token)
    except staff.InvitationError as exc:
        return TemplateResponse(
            request,
            "admin/staff_invitation.html",
            {"title": "Invitation", "problem": str(exc), "site_header": "Newsroom"},
            status=400 if str(exc) == staff.INVALID_LINK else 410,
        )
    account = staff.invitation_account(invitation)
    form = AcceptForm(request.POST or None, new_account=account is None)
    if request.method == "POST" and form.is_valid():
        try:
            person = staff.invitation_accept(
                token=token,
                username=form.cleaned_data.get("username", ""),
                password=form.cleaned_data["password1"],
            )
        except staff.InvitationError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            login(request, person, backend="django.contrib.auth.backends.ModelBackend")
            role = invitation.get_role_display().lower()
            messages.success(
                request,
                f"Welcome, {person.get_username()}: you are {role} on the "
                f"{invitation.desk.name} desk.",
            )
            return HttpResponseRedirect(reverse("admin:index"))
    return TemplateResponse(
        request,
        "admin/staff_invitation.html",
        {
            "title": "Join the newsroom",
            "form": form,
            "invitation": invitation,
            "account": account,
            "site_header": "Newsroom",
        },
        status=400 if form.errors else 200,
    )
