"""Profile proposals from discovered roles: names from a template, colours from the rules."""

from __future__ import annotations

import pytest

from tests.factories import make_profile
from xacct_gui.core.discovery import ColorRule
from xacct_gui.core.sso.portal import DiscoveredRole
from xacct_gui.core.sso.proposals import check_template, propose_profiles

PROD = DiscoveredRole("111111111111", "shop-prod", "p@x.com", "AdministratorAccess")
DEV = DiscoveredRole("222222222222", "shop-dev", "d@x.com", "ReadOnly")


def test_default_template_and_default_colour_rules() -> None:
    proposals = propose_profiles([PROD, DEV])
    assert [(p.name, p.color) for p in proposals] == [
        ("shop-prod / AdministratorAccess", "red"),
        ("shop-dev / ReadOnly", "green"),
    ]
    assert all(p.is_new for p in proposals)
    assert proposals[0].email == "p@x.com" and proposals[0].account_id == "111111111111"


def test_custom_template_and_rules() -> None:
    rules = [ColorRule("shop", "orange")]
    [proposal] = propose_profiles([DEV], template="{role_name}@{account_id} ({email})", rules=rules)
    assert (proposal.name, proposal.color) == ("ReadOnly@222222222222 (d@x.com)", "orange")


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{account}", "not {account}"),
        ("{role_name", "unmatched brace"),
        ("{role_name!r}", "no format or conversion"),
        ("{role_name:>10}", "no format or conversion"),
        ("just text", "at least one field"),
    ],
)
def test_bad_templates_are_explained(template: str, fragment: str) -> None:
    problem = check_template(template)
    assert problem is not None and fragment in problem
    with pytest.raises(ValueError, match="template"):
        propose_profiles([PROD], template=template)


def test_saved_pairs_are_marked_and_names_stay_unique() -> None:
    existing = [
        make_profile(name="Shop admin", account_id="111111111111", role_name="AdministratorAccess"),
        make_profile(name="shop-dev / ReadOnly", account_id="999999999999", role_name="Other"),
    ]
    twin = DiscoveredRole("333333333333", "shop-dev", "t@x.com", "ReadOnly")
    proposals = propose_profiles([PROD, DEV, twin], existing=existing)
    assert proposals[0].existing == "Shop admin" and not proposals[0].is_new
    assert proposals[0].name == "Shop admin"
    assert proposals[1].name == "shop-dev / ReadOnly (222222222222)"
    assert proposals[2].name == "shop-dev / ReadOnly (333333333333)"


def test_names_are_cleaned_and_capped() -> None:
    odd = DiscoveredRole("444444444444", "  a\tvery\nlong " + "x" * 80, "", "Admin")
    [proposal] = propose_profiles([odd])
    assert proposal.name.startswith("a very long xxx")
    assert len(proposal.name) == 64 and proposal.name.isprintable()
