"""Team files: the validator, and adding the team's cross-account roles after a sync."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from xacct_gui.core.discovery import ColorRule
from xacct_gui.core.sso import DiscoveredRole
from xacct_gui.core.sso.sync import plan_sync
from xacct_gui.core.sso.team import TeamFileError, add_team_roles, parse_team, read_team_file

GOOD: dict[str, Any] = {
    "xacct_team": 1,
    "organisation": "Acme",
    "start_url": "https://acme.awsapps.com/start",
    "region": "eu-west-1",
    "name_template": "{account_name} ({role_name})",
    "color_rules": [{"text": "prod", "color": "red"}, {"text": "lab", "color": "#00aa00"}],
    "roles": [
        {
            "name": "Vendor audit",
            "account_id": "333333333333",
            "role_name": "VendorAudit",
            "external_id": "acme-7f3c",
            "via": {"account_id": "111111111111", "role_name": "Hub"},
            "session_name": "acme-audit",
        }
    ],
}


def changed(**changes: Any) -> dict[str, Any]:
    document = copy.deepcopy(GOOD)
    document.update(changes)
    return document


def test_a_good_team_file() -> None:
    team = parse_team(GOOD)
    assert team.instance.name == "Acme" and team.instance.region == "eu-west-1"
    assert team.instance.start_url == "https://acme.awsapps.com/start"
    assert team.rules == (ColorRule("prod", "red"), ColorRule("lab", "#00aa00"))
    (role,) = team.roles
    assert role.profile.external_id == "acme-7f3c" and role.via_role_name == "Hub"


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (changed(xacct_team=2), "newer xacct (version 2)"),
        (changed(xacct_team=None), '"xacct_team" must be 1'),
        (changed(start_url="https://example.com"), "not an IAM Identity Center portal"),
        (changed(region=None), "does not show its region"),
        (changed(organisation=""), '"organisation" must name'),
        (changed(name_template="{nope}"), "not {nope}"),
        (changed(color_rules=[{"text": "prod", "color": "pinkish"}]), "Colour rule 1"),
        (changed(roles=[{**GOOD["roles"][0], "external_id": "x"}]), "Role 1"),
        (changed(roles=[{**GOOD["roles"][0], "via": None}]), 'needs "via"'),
        (changed(roles=[GOOD["roles"][0], GOOD["roles"][0]]), "same name"),
        (changed(colour_rules=[]), "Unknown keys: colour_rules"),
        ([], "is a JSON object"),
    ],
)
def test_a_bad_team_file_is_refused_with_its_problem(document: Any, words: str) -> None:
    with pytest.raises(TeamFileError) as caught:
        parse_team(document)
    assert words in str(caught.value)
    assert "\n" not in str(caught.value)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(TeamFileError) as caught:
        parse_team(changed(organisation=None, name_template=3, roles="x"))
    message = str(caught.value)
    assert '"organisation"' in message and '"name_template"' in message and '"roles"' in message


def test_reading_a_file(tmp_path: Path) -> None:
    path = tmp_path / "team.json"
    path.write_text(json.dumps(GOOD))
    assert read_team_file(path).instance.name == "Acme"
    path.write_text("{not json")
    with pytest.raises(TeamFileError, match="is not valid JSON"):
        read_team_file(path)
    with pytest.raises(TeamFileError, match="Cannot read"):
        read_team_file(tmp_path / "missing.json")


def test_team_roles_chain_from_the_discovered_role() -> None:
    team = parse_team(GOOD)
    # Before the "via" role is discovered nothing is added.
    assert add_team_roles([], team) == ([], [])
    hub = DiscoveredRole("111111111111", "hub", "hub@example.com", "Hub")
    plan = plan_sync((), [hub], team.instance, template=team.template, rules=team.rules)
    profiles, added = add_team_roles(plan.profiles, team)
    assert added == ["Vendor audit"]
    audit = profiles[-1]
    assert audit.source_role == "hub (Hub)" and audit.external_id == "acme-7f3c"
    assert audit.session_name == "acme-audit"
    # Added once: a second pass leaves the user's copy alone.
    renamed = [*profiles[:-1], audit.replace(color="#abcdef")]
    again, added_again = add_team_roles(renamed, team)
    assert added_again == [] and again[-1].color == "#abcdef"
