"""A newsroom runs its own people: the only writers of desk roles and invitations.

Who may do what (each rule once, here; `desk_roles.desk_role` says who holds what where):

- A desk's **editors** (and site-wide people: superusers, Site administrators, managing
  editors with `articles.work_on_every_desk`) run that desk's staff: invite a person by
  email, give an existing colleague a role on it, change a member's role, remove a member.
- They grant **at most their own role**, on **their own desks** only. Nobody grants Site
  administration or superuser here: those are site-wide rights, given by a superuser in
  Users. Nobody changes their own role or removes themselves.
- An editor **deactivates** a person who works only on desks that editor runs and holds no
  site-wide right; a site administrator deactivates anyone but a superuser.
- An **invitation** is single-use and expires (STAFF_INVITATION_DAYS). Its link carries a
  signed token made when the mail is sent (`invitation_token`); nothing secret is stored.
  Accepting it makes (or reactivates) the staff account, with the password the person
  chooses, and gives the role, provided the inviter may still grant it.

Every change is logged as a `DeskMembershipChange` (who, what, when, by whom) in the same
transaction, and shown on the desk's page and in the audit log.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from articles.desk_roles import desk_role, desk_roles, forget_desk_roles, works_on_every_desk
from articles.models import (
    DESK_ROLE_RANK,
    Desk,
    DeskMembership,
    DeskMembershipChange,
    DeskRole,
    Invitation,
)
from core.roles import SITE_ADMINISTRATORS
from notifications.models import STAFF_INVITATION
from notifications.services import notification_enqueue, send_time_context_register

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

INVITATION_SALT = "articles.staff.invitation"
MANAGE_PERMISSION = "articles.change_deskmembership"
INVALID_LINK = "This invitation link is not valid: check it was copied whole."


class InvitationError(Exception):
    """An invitation link that cannot be used, with the sentence to show its holder."""


# --- Who may do what --------------------------------------------------------------------


def is_site_administrator(user: User) -> bool:
    """Superusers, and the Site administrators group: every desk, every person."""
    if not user.is_active or user.pk is None:
        return False
    if user.is_superuser:
        return True
    known = getattr(user, "_is_site_administrator", None)  # asked once per user object
    if known is None:
        known = user.groups.filter(name=SITE_ADMINISTRATORS).exists()
        user._is_site_administrator = known
    return known


def has_site_wide_rights(person: User) -> bool:
    """Rights beyond desks (superuser, site administrator, every desk, any admin right of
    Django's own user admin): an editor never deactivates or re-invites such a person."""
    return (
        person.is_superuser
        or works_on_every_desk(person)
        or person.groups.filter(name=SITE_ADMINISTRATORS).exists()
        or any(perm.startswith("auth.") for perm in person.get_all_permissions())
    )


def staff_manager_of(*, user: User, desk_id: int | None) -> bool:
    """The user runs this desk's staff: its editor, or someone site-wide with the right."""
    if desk_id is None or not user.is_active or not user.has_perm(MANAGE_PERMISSION):
        return False
    return desk_role(user, desk_id) == DeskRole.EDITOR or is_site_administrator(user)


def desks_managed_by(*, user: User):
    """The desks whose staff the user runs."""
    if not user.is_active or not user.has_perm(MANAGE_PERMISSION):
        return Desk.objects.none()
    if (
        works_on_every_desk(user) and desk_role(user, None) == DeskRole.EDITOR
    ) or is_site_administrator(user):
        return Desk.objects.all()
    return Desk.objects.filter(
        pk__in=[desk for desk, role in desk_roles(user).items() if role == DeskRole.EDITOR]
    )


def manages_some_desk(*, user: User) -> bool:
    """The user runs some desk's staff (asked by every admin page's menu: no query more)."""
    if not user.is_active or not user.has_perm(MANAGE_PERMISSION):
        return False
    if works_on_every_desk(user) and desk_role(user, None) == DeskRole.EDITOR:
        return True
    return DeskRole.EDITOR in desk_roles(user).values() or is_site_administrator(user)


def roles_grantable(*, user: User, desk_id: int | None) -> list[str]:
    """The roles the user may give on this desk: at most their own there (every role for a
    site administrator); none on a desk whose staff they do not run."""
    if not staff_manager_of(user=user, desk_id=desk_id):
        return []
    if is_site_administrator(user):
        return list(DeskRole.values)
    own = DESK_ROLE_RANK[desk_role(user, desk_id)]
    return [role for role in DeskRole.values if DESK_ROLE_RANK[role] <= own]


def _require_grant(*, user: User, desk: Desk, role: str) -> None:
    if role not in DeskRole.values:
        raise ValidationError({"role": f"“{role}” is not a role."})
    if not staff_manager_of(user=user, desk_id=desk.pk):
        raise ValidationError(
            {"desk": f"You do not run the {desk.name} desk's staff: only its editors do."}
        )
    if role not in roles_grantable(user=user, desk_id=desk.pk):
        raise ValidationError(
            {
                "role": "You can give at most your own role on this desk, "
                f"not {DeskRole(role).label.lower()}."
            }
        )


def membership_changeable_by(*, membership: DeskMembership, user: User) -> bool:
    """A member's role is changed, or they are removed, by whoever runs the desk's staff and
    may grant the role they hold now (an editor may not touch a role above theirs), never
    by themselves."""
    if membership.user_id == user.pk:
        return False
    return membership.role in roles_grantable(user=user, desk_id=membership.desk_id)


def person_deactivatable_by(*, person: User, user: User) -> bool:
    """A site administrator deactivates anyone but a superuser (and themselves); an editor,
    a person with no site-wide rights who works only on desks that editor runs."""
    if person.pk == user.pk or not person.is_active or person.is_superuser:
        return False
    if is_site_administrator(user):
        return True
    if has_site_wide_rights(person):
        return False
    desks = set(DeskMembership.objects.filter(user=person).values_list("desk_id", "role"))
    return bool(desks) and all(
        role in roles_grantable(user=user, desk_id=desk_id) for desk_id, role in desks
    )


# --- Writes -------------------------------------------------------------------------------


def _log(*, member, action: str, by: User | None, desk: Desk | None = None, role="", previous=""):
    return DeskMembershipChange.objects.create(
        desk=desk,
        member=member,
        action=action,
        role=role or "",
        previous_role=previous or "",
        by=by if by is not None and by.pk else None,
    )


def membership_check(*, desk: Desk, person: User, role: str, by: User) -> None:
    """Refuse, saying why, a role `by` may not give `person` on `desk`."""
    _require_grant(user=by, desk=desk, role=role)
    if person.pk == by.pk:
        raise ValidationError({"user": "You cannot change your own role."})
    if not person.is_active or not person.is_staff:
        raise ValidationError({"user": "Only an active staff account can work on a desk."})
    current = DeskMembership.objects.filter(desk=desk, user=person).first()
    if current is not None and not membership_changeable_by(membership=current, user=by):
        raise ValidationError(
            {
                "role": f"{person.get_username()} is {current.get_role_display().lower()} on "
                "this desk, a role above yours: you cannot change it."
            }
        )


@transaction.atomic
def membership_set(*, desk: Desk, person: User, role: str, by: User | None) -> DeskMembership:
    """Give `person` `role` on `desk` (adding them, or changing the role they hold there).
    `by` None: the newsroom itself (loaddemo, a migration), which no rule binds."""
    Desk.objects.select_for_update().filter(pk=desk.pk).values_list("pk").first()
    if by is not None:
        membership_check(desk=desk, person=person, role=role, by=by)
    current = DeskMembership.objects.filter(desk=desk, user=person).first()
    if current is not None and current.role == role:
        return current
    if current is None:
        current = DeskMembership.objects.create(desk=desk, user=person, role=role)
        _log(member=person, action=DeskMembershipChange.Action.ADDED, by=by, desk=desk, role=role)
    else:
        previous, current.role = current.role, role
        current.save(update_fields=["role"])
        _log(
            member=person,
            action=DeskMembershipChange.Action.ROLE,
            by=by,
            desk=desk,
            role=role,
            previous=previous,
        )
    forget_desk_roles(person)
    return current


@transaction.atomic
def membership_remove(*, membership: DeskMembership, by: User | None) -> None:
    """Take `membership`'s person off its desk."""
    if by is not None and not membership_changeable_by(membership=membership, user=by):
        raise ValidationError(
            f"You cannot remove {membership.user.get_username()} from the "
            f"{membership.desk.name} desk."
        )
    deleted, _ = DeskMembership.objects.filter(pk=membership.pk).delete()
    if deleted:
        _log(
            member=membership.user,
            action=DeskMembershipChange.Action.REMOVED,
            by=by,
            desk=membership.desk,
            previous=membership.role,
        )
    forget_desk_roles(membership.user)


@transaction.atomic
def person_deactivate(*, person: User, by: User) -> None:
    """Stop `person` signing in (Django signs an inactive account out at its next request)
    and take them off every desk, each step logged."""
    person = get_user_model().objects.select_for_update().get(pk=person.pk)
    if not person_deactivatable_by(person=person, user=by):
        raise ValidationError(
            f"You cannot deactivate {person.get_username()}: only someone who runs every "
            "desk they work on, and a site administrator for anyone with site-wide rights."
        )
    for membership in DeskMembership.objects.filter(user=person).select_related("desk", "user"):
        membership_remove(membership=membership, by=by)
    person.is_active = False
    person.save(update_fields=["is_active"])
    _log(member=person, action=DeskMembershipChange.Action.DEACTIVATED, by=by)


def invitation_check(*, email: str, desk: Desk, role: str, by: User) -> str:
    """Refuse, saying why, an invitation `by` may not send; the address, normalised."""
    address = (email or "").strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid email address."}) from None
    _require_grant(user=by, desk=desk, role=role)
    for person in get_user_model().objects.filter(email__iexact=address):
        if person.is_active:
            raise ValidationError(
                {
                    "email": f"{address} already has an account ({person.get_username()}): "
                    "give them a role under Desk staff › Add instead."
                }
            )
        if has_site_wide_rights(person) and not is_site_administrator(by):
            raise ValidationError(
                {
                    "email": "This address belongs to an account with site-wide rights: "
                    "only a site administrator can invite it back."
                }
            )
    return address


@transaction.atomic
def invitation_create(*, email: str, desk: Desk, role: str, by: User) -> Invitation:
    """Invite `email` to work on `desk` as `role`; the mail goes through the outbox, in this
    transaction."""
    address = invitation_check(email=email, desk=desk, role=role, by=by)
    now = timezone.now()
    # A newer invitation replaces an open one for the same address and desk.
    Invitation.objects.open(now).filter(email=address, desk=desk).update(withdrawn_at=now)
    invitation = Invitation.objects.create(
        email=address,
        desk=desk,
        role=role,
        invited_by=by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.STAFF_INVITATION_DAYS),
    )
    notification_enqueue(
        kind=STAFF_INVITATION,
        recipients=[address],
        event=f"staff-invitation:{invitation.pk}",
        about=f"invitation:{invitation.pk}",
        context={"invitation_id": invitation.pk},
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, by: User) -> bool:
    """Withdraw an open invitation (its link stops working). False if it was not open."""
    if not staff_manager_of(user=by, desk_id=invitation.desk_id):
        raise ValidationError(f"You do not run the {invitation.desk.name} desk's staff.")
    return bool(
        Invitation.objects.open()
        .filter(pk=invitation.pk)
        .update(withdrawn_at=timezone.now(), withdrawn_by=by)
    )


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps(invitation.pk, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("staff_invitation", args=[invitation_token(invitation)])


def invitation_read(token: str, *, lock: bool = False) -> Invitation:
    """The open invitation a link is for, or InvitationError saying why it cannot be used."""
    try:
        pk = signing.loads(
            token, salt=INVITATION_SALT, max_age=settings.STAFF_INVITATION_DAYS * 86400
        )
    except signing.SignatureExpired:
        raise InvitationError(
            "This invitation has expired. Ask the editor who invited you for a new one."
        ) from None
    except signing.BadSignature:
        raise InvitationError(INVALID_LINK) from None
    invitations = Invitation.objects.select_related("desk", "invited_by")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(pk=pk).first() if isinstance(pk, int) else None
    if invitation is None:
        raise InvitationError(INVALID_LINK)
    if invitation.accepted_at:
        raise InvitationError(
            "This invitation has already been used. Sign in, or reset your password from the "
            "sign-in page."
        )
    if invitation.withdrawn_at:
        raise InvitationError("This invitation has been withdrawn.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            "This invitation has expired. Ask the editor who invited you for a new one."
        )
    return invitation


def invitation_account(invitation: Invitation):
    """The inactive account an invitation brings back, if its address has one."""
    return (
        get_user_model()
        .objects.filter(email__iexact=invitation.email, is_active=False)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def invitation_accept(*, token: str, username: str, password: str):
    """Use an invitation: make (or reactivate) the staff account with `password`, give it
    the invited role on the desk, and mark the invitation used, all at once or not at all.
    InvitationError if the link cannot be used; ValidationError for the form's fields."""
    invitation = invitation_read(token, lock=True)
    inviter = invitation.invited_by
    if inviter is None or invitation.role not in roles_grantable(
        user=inviter, desk_id=invitation.desk_id
    ):
        raise InvitationError(
            "This invitation is no longer valid: whoever sent it can no longer give this role."
        )
    User = get_user_model()
    person = invitation_account(invitation)
    if User.objects.filter(email__iexact=invitation.email, is_active=True).exists():
        raise InvitationError(
            "This address already has an account: sign in, or reset your password from the "
            "sign-in page."
        )
    if person is None:
        username = (username or "").strip()
        field = User._meta.get_field(User.USERNAME_FIELD)
        try:
            field.run_validators(username)
            if not username:
                raise ValidationError("Choose a username.")
        except ValidationError as exc:
            raise ValidationError({"username": exc.messages}) from None
        if User.objects.filter(**{f"{User.USERNAME_FIELD}__iexact": username}).exists():
            raise ValidationError({"username": "That username is taken: choose another."})
        person = User(username=username, email=invitation.email, is_staff=True)
    person.is_staff = True
    person.is_active = True
    try:
        password_validation.validate_password(password, person)
    except ValidationError as exc:
        raise ValidationError({"password1": exc.messages}) from None
    person.set_password(password)
    person.save()
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = person
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    DeskMembership.objects.update_or_create(
        desk=invitation.desk, user=person, defaults={"role": invitation.role}
    )
    _log(
        member=person,
        action=DeskMembershipChange.Action.JOINED,
        by=inviter,
        desk=invitation.desk,
        role=invitation.role,
    )
    forget_desk_roles(person)
    return person


def _invitation_mail_context(context: dict) -> dict | None:
    """What the invitation mail needs when it is sent: the link with a fresh token, or None
    (the row is cancelled) when the invitation can no longer be used."""
    invitation = (
        Invitation.objects.open()
        .select_related("desk", "invited_by")
        .filter(pk=context.get("invitation_id"))
        .first()
    )
    if invitation is None:
        return None
    inviter = invitation.invited_by
    return {
        "invitation_url": invitation_url(invitation),
        "desk": invitation.desk.name,
        "role": invitation.get_role_display().lower(),
        "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else "",
        "expires_at": invitation.expires_at,
    }


send_time_context_register(STAFF_INVITATION, _invitation_mail_context)
