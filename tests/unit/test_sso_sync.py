"""Identity Center profiles: their keys in the profile file, re-sync, and their export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import make_profile
from xacct_gui.core.errors import ProfileError
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.sso import DiscoveredRole, SsoInstance
from xacct_gui.core.sso.sync import plan_sync
from xacct_gui.core.validation import validate_fields

ACME = SsoInstance("https://d-1234567890.awsapps.com/start", "eu-west-1", "Acme")
OTHER = SsoInstance("https://other.awsapps.com/start", "us-east-1", "Other")


def role(account: str, name: str, role_name: str = "Admin") -> DiscoveredRole:
    return DiscoveredRole(account, name, f"{name}@example.com", role_name)


def sso_dict(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "prod / Admin",
        "account_id": "111111111111",
        "role_name": "Admin",
        "sso_start_url": "https://d-1234567890.awsapps.com/start/#/",
        "sso_region": "eu-west-1",
    }
    data.update(changes)
    return data


def test_an_sso_profile_round_trips_with_its_url_normalised() -> None:
    profile = RoleProfile.from_dict(sso_dict(sso_gone=True, future_key=[1]))
    assert profile.source_kind == "sso"
    assert profile.sso_start_url == ACME.start_url
    again = RoleProfile.from_dict(json.loads(json.dumps(profile.to_dict())))
    assert again == profile and again.extra == {"future_key": [1]}
    # Profiles without these keys are written exactly as before.
    assert "sso_start_url" not in make_profile().to_dict()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"sso_region": None}, "sso_region", "region"),
        ({"sso_region": "Europe"}, "sso_region", "not a region"),
        ({"sso_start_url": "https://example.com/start"}, "sso_start_url", "not an IAM"),
        ({"sso_start_url": None}, "sso_region", "without an Identity Center"),
        ({"source_key": "my key"}, "sso_start_url", "Choose one source"),
        ({"sso_gone": "yes"}, "sso_gone", "true or false"),
        (
            {"sso_start_url": "https://ab12.portal.us-east-1.app.aws"},
            "sso_region",
            "belongs to region us-east-1",
        ),
    ],
)
def test_bad_sso_keys_are_refused_with_a_message(
    changes: dict[str, object], field: str, words: str
) -> None:
    data = sso_dict(**changes)
    assert words in validate_fields(data)[field]
    with pytest.raises(ProfileError) as caught:
        RoleProfile.from_dict(data)
    assert words in caught.value.errors[field]


def test_sync_adds_with_template_colours_and_the_instance_region() -> None:
    plan = plan_sync(
        (), [role("111111111111", "shop-prod"), role("222222222222", "shop-dev")], ACME
    )
    assert plan.added == ("shop-prod / Admin", "shop-dev / Admin")
    prod, dev = plan.profiles
    assert (prod.color, dev.color) == ("red", "green")
    assert prod.region == prod.sso_region == "eu-west-1" and prod.sso_start_url == ACME.start_url
    assert plan.lines() == ["added: shop-prod / Admin", "added: shop-dev / Admin"]


def test_resync_keeps_edits_marks_gone_and_brings_back() -> None:
    first = plan_sync((), [role("111111111111", "prod"), role("222222222222", "dev")], ACME)
    mine = first.profiles[0].replace(name="Mine", color="#010203", region="ap-south-1")
    saved = (mine, first.profiles[1])
    second = plan_sync(saved, [role("111111111111", "prod-renamed")], ACME)
    assert second.updated == ("Mine",) and second.gone == ("dev / Admin",) and second.added == ()
    kept, gone = second.profiles
    assert (kept.name, kept.color, kept.region) == ("Mine", "#010203", "ap-south-1")
    assert gone.sso_gone is True
    # Still gone: not reported twice; back again: the mark is cleared.
    assert plan_sync(second.profiles, [role("111111111111", "p")], ACME).gone == ()
    back = plan_sync(second.profiles, [role("111111111111", "p"), role("222222222222", "d")], ACME)
    assert back.updated == ("Mine", "dev / Admin") and back.profiles[1].sso_gone is None


def test_same_names_in_two_organisations_are_told_apart() -> None:
    acme = plan_sync((), [role("111111111111", "prod")], ACME)
    both = plan_sync(acme.profiles, [role("999999999999", "prod")], OTHER)
    assert [p.name for p in both.profiles] == ["prod / Admin", "prod / Admin (999999999999)"]
    assert both.profiles[0].sso_start_url == ACME.start_url  # the other org's is untouched
    assert both.gone == () and both.updated == ()


def test_a_cli_profile_for_the_same_role_stays_separate() -> None:
    cli = make_profile(name="prod / Admin", account_id="111111111111", role_name="Admin")
    plan = plan_sync((cli,), [role("111111111111", "prod")], ACME)
    assert plan.profiles[0] is cli
    assert plan.added == ("prod / Admin (111111111111)",)


def test_export_writes_the_cli_identity_center_profile_and_chains_from_it(
    tmp_path: Path,
) -> None:
    import botocore.configloader

    from xacct_gui.core.exporters import export_aws_config

    sso = RoleProfile.from_dict(sso_dict(name="shop", region="eu-central-1"))
    chained = make_profile(
        name="audit", source_profile=None, source_role="shop", external_id="ext-123456"
    )
    result = export_aws_config([sso, chained])
    path = tmp_path / "config"
    path.write_text(result.text)
    config = botocore.configloader.raw_config_parse(str(path))
    assert config["profile shop"] == {
        "sso_start_url": ACME.start_url,
        "sso_region": "eu-west-1",
        "sso_account_id": "111111111111",
        "sso_role_name": "Admin",
        "region": "eu-central-1",
        "granted_color": "blue",
    }
    assert config["profile audit"]["source_profile"] == "shop"
    assert config["profile audit"]["external_id"] == "ext-123456"


def test_a_resync_of_three_thousand_saved_roles_copies_none_and_stays_linear() -> None:
    import time

    roles = [
        role(f"{100000000000 + i:012d}", f"team-{i}", r)
        for i in range(1000)
        for r in ("Admin", "ReadOnly", "Billing")
    ]
    first = plan_sync([], roles, ACME)
    assert len(first.added) == 3000
    started = time.perf_counter()
    again = plan_sync(first.profiles, roles, ACME)
    took = time.perf_counter() - started
    # Unchanged profiles are kept as they are (no copy per profile per re-sync) ...
    assert all(a is b for a, b in zip(again.profiles, first.profiles, strict=True))
    assert len(again.updated) == 3000 and not again.added and not again.gone
    # ... and a changed one is still updated.
    marked = [first.profiles[0].replace(sso_gone=True), *first.profiles[1:]]
    assert plan_sync(marked, roles, ACME).profiles[0].sso_gone is None
    assert took < 1.0, f"re-sync of 3,000 roles took {took:.2f} s"
