"""Admin sign-in throttling: guessing stops, the real user is not locked out."""

import pytest


def _attempt(client, username, password, ip="203.0.113.7"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def limits(settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_IP_FAILURE_LIMIT = 10
    return settings


def test_repeated_failures_lock_that_ip_and_username_out_with_a_clear_message(
    client, editor, limits
):
    for _ in range(3):
        assert _attempt(client, "editor", "wrong").status_code == 200
    locked = _attempt(client, "editor", "pw-editor")  # even the right password now waits
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_real_user_from_another_address_is_not_affected(client, editor, limits):
    for _ in range(3):
        _attempt(client, "editor", "wrong", ip="198.51.100.1")
    response = _attempt(client, "editor", "pw-editor", ip="192.0.2.50")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_a_successful_sign_in_clears_earlier_failures(client, editor, limits):
    for _ in range(2):
        _attempt(client, "editor", "wrong")
    assert _attempt(client, "editor", "pw-editor").status_code == 302
    client.logout()
    for _ in range(2):
        assert _attempt(client, "editor", "wrong").status_code == 200
    assert _attempt(client, "editor", "pw-editor").status_code == 302


def test_one_address_trying_many_usernames_is_locked_out(client, editor, limits):
    for n in range(10):
        _attempt(client, f"guess{n}", "wrong")
    assert _attempt(client, "editor", "pw-editor").status_code == 429


def test_usernames_differing_only_in_case_count_together(client, editor, limits):
    for name in ("Editor", "EDITOR", "editor"):
        _attempt(client, name, "wrong")
    assert _attempt(client, "eDiToR", "wrong").status_code == 429


@pytest.mark.parametrize(
    "look_alike",
    ["ｅditor", "ＥＤＩＴＯＲ", "editor ", "EDITOR", "ᵉditor"],
    ids=["fullwidth-e", "fullwidth-upper", "trailing-space", "upper", "superscript-e"],
)
def test_a_look_alike_username_counts_with_the_name_it_signs_in_as(
    client, editor, limits, look_alike
):
    # Django's sign-in form NFKC-normalises the username, so "ｅditor" signs in as "editor":
    # the throttle must count them as one account, or a locked-out guesser just switches.
    for _ in range(3):
        assert _attempt(client, "editor", "wrong").status_code == 200
    assert _attempt(client, look_alike, "pw-editor").status_code == 429
    assert "_auth_user_id" not in client.session
