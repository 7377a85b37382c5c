"""The log filter removes anything shaped like a key, secret, token or MFA code."""

from __future__ import annotations

import logging

import pytest

from xacct_gui.core.redact import RedactingFilter, redact

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"  # AWS's documented example shape
TOKEN = "FwoGZXIvYXdzE" + "A" * 300


@pytest.mark.parametrize(
    "text",
    [
        f"secret={SECRET}",
        f"token {TOKEN} end",
        "key AKIAIOSFODNN7EXAMPLE used",
        "temporary ASIAXYZXYZXYZXYZXYZ1 used",
        "TokenCode=123456",
        '{"token_code": "654321"}',
    ],
)
def test_secrets_are_removed(text: str) -> None:
    cleaned = redact(text)
    for secret in (SECRET, TOKEN, "IOSFODNN7EXAMPLE", "XYZXYZXYZXYZXYZ1", "123456", "654321"):
        assert secret not in cleaned


def test_ordinary_text_is_kept() -> None:
    text = "assumed arn:aws:iam::222222222222:role/DeveloperAccess in eu-west-1"
    assert redact(text) == text


def test_filter_redacts_arguments_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("xacct-test-redact")
    handler_filter = RedactingFilter()
    caplog.handler.addFilter(handler_filter)
    try:
        logger.warning("got %s", SECRET)
        try:
            raise RuntimeError(f"boom {TOKEN}")
        except RuntimeError:
            logger.exception("failed")
    finally:
        caplog.handler.removeFilter(handler_filter)
    assert SECRET not in caplog.text and TOKEN not in caplog.text
    assert "got [secret]" in caplog.text


def test_url_encoded_secrets_are_removed() -> None:
    import json
    import urllib.parse

    session = json.dumps(
        {"sessionId": "ASIAXYZXYZXYZXYZXYZ1", "sessionKey": SECRET, "sessionToken": TOKEN}
    )
    request = "https://signin.aws.amazon.com/federation?" + urllib.parse.urlencode(
        {"Action": "getSigninToken", "Session": session}
    )
    signin_token = "VCQgTuHu" + "-_x9" * 60
    link = "https://signin.aws.amazon.com/federation?" + urllib.parse.urlencode(
        {"Action": "login", "Issuer": "xacct", "SigninToken": signin_token}
    )
    for text in (request, link, urllib.parse.quote(SECRET, safe=""), f"x {request} y"):
        cleaned = redact(text)
        for secret in (
            SECRET,
            urllib.parse.quote(SECRET, safe=""),
            urllib.parse.quote_plus(SECRET),
            TOKEN[:60],
            signin_token[:40],
            "XYZXYZXYZXYZXYZ1",
        ):
            assert secret not in cleaned, (text, cleaned)
