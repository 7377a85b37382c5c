"""The start-URL parser: every form Identity Center hands out, and what it must refuse."""

from __future__ import annotations

import pytest

from xacct_gui.core.sso.errors import StartUrlError
from xacct_gui.core.sso.start_url import is_directory_id, parse_start_url


@pytest.mark.parametrize(
    ("text", "url", "region", "label"),
    [
        (
            "https://d-1234567890.awsapps.com/start",
            "https://d-1234567890.awsapps.com/start",
            None,
            "d-1234567890",
        ),
        (
            "  https://d-9a8b7c6d5e.awsapps.com/start/  ",
            "https://d-9a8b7c6d5e.awsapps.com/start",
            None,
            "d-9a8b7c6d5e",
        ),
        ("https://acme.awsapps.com/start#/", "https://acme.awsapps.com/start", None, "acme"),
        ("https://acme.awsapps.com/start/#/", "https://acme.awsapps.com/start", None, "acme"),
        ("https://acme.awsapps.com/start/#", "https://acme.awsapps.com/start", None, "acme"),
        ("HTTPS://My-Org.AWSAPPS.com/start", "https://my-org.awsapps.com/start", None, "my-org"),
        (
            "https://ssoins-7223a1b2c3d4e5f6.portal.eu-central-1.app.aws",
            "https://ssoins-7223a1b2c3d4e5f6.portal.eu-central-1.app.aws",
            "eu-central-1",
            "ssoins-7223a1b2c3d4e5f6",
        ),
        (
            "https://ssoins-7223a1b2c3d4e5f6.portal.us-gov-west-1.app.aws/#/",
            "https://ssoins-7223a1b2c3d4e5f6.portal.us-gov-west-1.app.aws",
            "us-gov-west-1",
            "ssoins-7223a1b2c3d4e5f6",
        ),
    ],
)
def test_accepted_forms_are_normalised(text: str, url: str, region: str | None, label: str) -> None:
    parsed = parse_start_url(text)
    assert (parsed.url, parsed.region, parsed.label) == (url, region, label)
    assert str(parsed) == url


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "Enter the start URL"),
        ("http://acme.awsapps.com/start", "https://"),
        ("https://user@acme.awsapps.com/start", "user name"),
        ("https://user:pw@acme.awsapps.com/start", "user name"),
        ("https://acme.awsapps.com:8443/start", "port"),
        ("https://acme.awsapps.com:/start", "port"),
        ("https://acme.awsapps.com/start?x=1", "query"),
        ("https://acme.awsapps.com/start#/accounts", "query or a # part"),
        ("https://acme.awsapps.com/", "ends in /start"),
        ("https://acme.awsapps.com/start/extra", "ends in /start"),
        ("https://acme.awsapps.com.evil.example/start", "not an IAM Identity Center portal"),
        ("https://evil.example/acme.awsapps.com/start", "not an IAM Identity Center portal"),
        ("https://awsapps.com/start", "not an IAM Identity Center portal"),
        ("https://a_b.awsapps.com/start", "not an IAM Identity Center portal"),
        ("https://x.portal.nowhere.app.aws", "not an IAM Identity Center portal"),
        ("https://x.portal.eu-west-1.app.aws/start/more", "no path"),
        ("https://acme.awsapps.com/st art", "spaces"),
        ("ftp://acme.awsapps.com/start", "https://"),
        ("acme.awsapps.com/start", "https://"),
        ("https://[::1/start", "not a valid URL"),
    ],
)
def test_refused_with_one_sentence(text: str, why: str) -> None:
    with pytest.raises(StartUrlError) as caught:
        parse_start_url(text)
    message = str(caught.value)
    assert why in message
    assert "A start URL looks like https://" in message
    assert "\n" not in message


def test_directory_ids_are_told_from_aliases() -> None:
    assert is_directory_id("d-1234567890")
    assert not is_directory_id("acme")
    assert not is_directory_id("d-12345")


def test_instances_take_the_region_from_the_url_or_the_user() -> None:
    from xacct_gui.core.sso.start_url import make_instance

    portal = "https://ssoins-1.portal.eu-central-1.app.aws/"
    assert make_instance(portal).region == "eu-central-1"
    assert make_instance(portal, "eu-central-1", "Acme").name == "Acme"
    vanity = make_instance("https://acme.awsapps.com/start#/", "us-east-1")
    assert (vanity.start_url, vanity.region, vanity.name) == (
        "https://acme.awsapps.com/start",
        "us-east-1",
        "acme",
    )
    for args, fragment in [
        (("https://acme.awsapps.com/start",), "does not show its region"),
        (("https://acme.awsapps.com/start", "Frankfurt"), "not a region"),
        ((portal, "us-east-1"), "belongs to region eu-central-1, not us-east-1"),
    ]:
        with pytest.raises(StartUrlError, match=fragment):
            make_instance(*args)
