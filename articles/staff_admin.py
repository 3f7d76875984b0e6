"""Desk staff and invitations in the admin: editors run their desks' people without a
superuser. Every rule is articles/staff.py's; these pages only show and translate."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from articles import staff
from articles.models import DeskMembership, DeskRole, Invitation
from core.clock import newsroom_time


class DeskMembershipForm(forms.ModelForm):
    """Give a colleague a role on a desk, or change it. `user` is set per request."""

    user_obj: ClassVar[Any] = None

    class Meta:
        model = DeskMembership
        fields = ("user", "desk", "role")
        labels: ClassVar[dict] = {"user": "Person"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "desk" in self.fields:
            self.fields["desk"].queryset = staff.desks_managed_by(user=self.user_obj)
        if "user" in self.fields:
            self.fields["user"].queryset = (
                get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
            )
            self.fields[
                "user"
            ].help_text = (
                "Someone who has an account already. To bring in someone new, send an invitation."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        desk = cleaned.get("desk") or (self.instance.desk if self.instance.pk else None)
        person = cleaned.get("user") or (self.instance.user if self.instance.pk else None)
        role = cleaned.get("role")
        if desk is not None and person is not None and role:
            try:
                staff.membership_check(desk=desk, person=person, role=role, by=self.user_obj)
            except ValidationError as exc:
                self._add_errors(exc)
        return cleaned

    def _add_errors(self, exc: ValidationError) -> None:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)


@admin.register(DeskMembership)
class DeskMembershipAdmin(admin.ModelAdmin):
    form = DeskMembershipForm
    list_display = ("person", "email", "desk", "role", "active", "since")
    list_filter = ("desk", "role")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    list_select_related = ("user", "desk")
    actions = ("deactivate",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[DeskMembership]:
        desks = staff.desks_managed_by(user=request.user)
        return super().get_queryset(request).filter(desk__in=desks.values("pk"))

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or staff.staff_manager_of(user=request.user, desk_id=obj.desk_id)
        )

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and staff.manages_some_desk(user=request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or staff.membership_changeable_by(membership=obj, user=request.user)
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or staff.membership_changeable_by(membership=obj, user=request.user)
        )

    def get_readonly_fields(self, request, obj=None):
        return ("user", "desk") if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user_obj = request.user  # a class made for this request (modelform_factory)
        return form

    def save_model(self, request, obj: DeskMembership, form, change) -> None:
        saved = staff.membership_set(desk=obj.desk, person=obj.user, role=obj.role, by=request.user)
        obj.pk = saved.pk
        obj._state.adding = False

    def delete_model(self, request, obj: DeskMembership) -> None:
        staff.membership_remove(membership=obj, by=request.user)

    def delete_queryset(self, request, queryset) -> None:
        memberships = list(queryset.select_related("user", "desk"))
        if any(
            not staff.membership_changeable_by(membership=m, user=request.user) for m in memberships
        ):
            raise PermissionDenied
        for membership in memberships:
            staff.membership_remove(membership=membership, by=request.user)

    @admin.display(description="Person", ordering="user__username")
    def person(self, obj: DeskMembership) -> str:
        name = obj.user.get_full_name()
        return f"{obj.user.get_username()} ({name})" if name else obj.user.get_username()

    @admin.display(description="Email", ordering="user__email")
    def email(self, obj: DeskMembership) -> str:
        return obj.user.email

    @admin.display(description="Active", boolean=True)
    def active(self, obj: DeskMembership) -> bool:
        return obj.user.is_active

    @admin.display(description="Since", ordering="created_at")
    def since(self, obj: DeskMembership) -> str:
        return newsroom_time(obj.created_at)

    @admin.action(
        description="Deactivate the selected people (they can no longer sign in)",
        permissions=["change"],
    )
    def deactivate(self, request: HttpRequest, queryset: QuerySet[DeskMembership]) -> None:
        people = {m.user_id: m.user for m in queryset.select_related("user")}
        done, refused = [], []
        for person in people.values():
            try:
                staff.person_deactivate(person=person, by=request.user)
            except ValidationError as exc:
                refused.append(" ".join(exc.messages))
            else:
                done.append(person.get_username())
        if done:
            self.message_user(request, f"Deactivated: {', '.join(sorted(done))}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, reason, messages.ERROR)


class InvitationForm(forms.ModelForm):
    user_obj: ClassVar[Any] = None

    class Meta:
        model = Invitation
        fields = ("email", "desk", "role")
        help_texts: ClassVar[dict] = {
            "email": "They get a link to choose their username and password; it works once.",
            "role": "At most your own role on that desk.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "desk" in self.fields:  # not on the read-only page of one already sent
            self.fields["desk"].queryset = staff.desks_managed_by(user=self.user_obj)
            self.fields["role"].initial = DeskRole.REPORTER

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("email") and cleaned.get("desk") and cleaned.get("role"):
            try:
                cleaned["email"] = staff.invitation_check(
                    email=cleaned["email"],
                    desk=cleaned["desk"],
                    role=cleaned["role"],
                    by=self.user_obj,
                )
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations sent, by state; no token is stored, so none can be shown."""

    form = InvitationForm
    list_display = ("email", "desk", "role", "invited_by", "sent", "expires", "state")
    list_filter = ("desk", "role")
    search_fields = ("email",)
    list_select_related = ("desk", "invited_by")
    actions = ("withdraw",)
    readonly_fields = (
        "email",
        "desk",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "withdrawn_at",
        "withdrawn_by",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Invitation]:
        desks = staff.desks_managed_by(user=request.user)
        return super().get_queryset(request).filter(desk__in=desks.values("pk"))

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user_obj = request.user
        return form

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and staff.manages_some_desk(user=request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or staff.staff_manager_of(user=request.user, desk_id=obj.desk_id)
        )

    def has_change_permission(self, request, obj=None) -> bool:
        # Sent is sent: an invitation is only withdrawn (the action), never edited.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj: Invitation, form, change) -> None:
        invitation = staff.invitation_create(
            email=obj.email, desk=obj.desk, role=obj.role, by=request.user
        )
        vars(obj).update({k: v for k, v in vars(invitation).items() if k != "_state"})
        obj._state.adding = False
        self.message_user(
            request,
            f"Invitation mailed to {invitation.email}: the link works once, until "
            f"{newsroom_time(invitation.expires_at)}.",
            messages.SUCCESS,
        )

    @admin.display(description="Sent", ordering="created_at")
    def sent(self, obj: Invitation) -> str:
        return newsroom_time(obj.created_at)

    @admin.display(description="Expires", ordering="expires_at")
    def expires(self, obj: Invitation) -> str:
        return newsroom_time(obj.expires_at)

    @admin.display(description="State")
    def state(self, obj: Invitation) -> str:
        return obj.state.capitalize()

    @admin.action(description="Withdraw the selected invitations", permissions=["change"])
    def withdraw(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        withdrawn = 0
        for invitation in queryset.select_related("desk"):
            try:
                withdrawn += staff.invitation_withdraw(invitation=invitation, by=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        self.message_user(request, f"{withdrawn} invitation(s) withdrawn.", messages.SUCCESS)
