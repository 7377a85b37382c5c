"""Extend Switch Roles: roles the extension cannot read are not written wrongly (issue 10
item 9), and base accounts survive import -> export (item 16).

The reading side here is the app's own importer; tests/interop/test_esr_parser.py
reads the same exports with the extension's real parser (aesr-config).
"""

from __future__ import annotations

from tests.factories import make_profile
from xacct_gui.core.exporters import export_esr
from xacct_gui.core.importers import apply_import, preview_esr_config

# In the shape of the extension's complex configuration: five base accounts (one
# with target_role_name and target_region, one an alias), eight targets.
COMPLEX = """\
[organization1]
aws_account_id = your-account-alias
target_role_name = OrganizationAccountAccessRole
target_region = eu-central-1

[Org1-Account1-Role1]
role_arn = arn:aws:iam::123456789012:role/Role1
source_profile = organization1

[Org1-Account1-Role2]
aws_account_id = 123456789012
role_name = Role2
source_profile = organization1

[Org1-Account2]
aws_account_id = 210987654321
source_profile = organization1

[baseaccount2]
aws_account_id = 000000000000

[Base2-Role1]
role_arn = arn:aws:iam::234567890123:role/Role1
source_profile = baseaccount2

[Base2-Role2]
aws_account_id = 234567890124
role_name = team/Role2
source_profile = baseaccount2
color = ffaa00

[base3]
aws_account_id = 333333333333

[Base3-Admin]
aws_account_id = 333333333334
role_name = Admin
source_profile = base3

[base4]
aws_account_id = 444444444444
target_role_name = ReadOnly

[Base4-RO]
aws_account_id = 444444444445
source_profile = base4

[base5]
aws_account_id = base-five-alias

[Base5-Ops]
aws_account_id = 555555555556
role_name = Ops
region = us-west-2
source_profile = base5
"""


def _structure(text: str) -> dict[str, tuple[str, ...]]:
    """Base block name -> the names of the targets that name it, read from the text."""
    from xacct_gui.core.importers.esr import _parse_esr_blocks

    blocks, _ = _parse_esr_blocks(text)
    result: dict[str, list[str]] = {}
    for block in blocks:
        source = block.params.get("source_profile")
        if source:
            result.setdefault(source, []).append(block.name)
    return {k: tuple(v) for k, v in result.items()}


def test_role_with_comment_characters_is_not_written_as_another_role() -> None:
    profiles = [
        make_profile("Semi", role_name="team;x/Admin"),
        make_profile("Hash", role_name="team#x/Admin"),
        make_profile("Equals", role_name="Ad=min"),
        make_profile("Fine", role_name="team/x/Admin"),
    ]
    result = export_esr(profiles)
    assert result.exported == ("Fine",)
    assert {name for name, _ in result.skipped} == {"Semi", "Hash", "Equals"}
    assert all("comment" in why for _, why in result.skipped)
    items = preview_esr_config(result.text, [])
    assert [(i.name, i.profile.role_arn if i.profile else None) for i in items] == [
        ("Fine", "arn:aws:iam::222222222222:role/team/x/Admin")
    ]


def test_complex_configuration_keeps_base_accounts_through_a_round_trip() -> None:
    first = apply_import([], preview_esr_config(COMPLEX, []))
    assert len(first) == 8
    exported = export_esr(first).text
    assert _structure(exported) == _structure(COMPLEX)
    assert len(_structure(exported)) == 5
    # Base-account settings come back as written, and targets that took the role
    # name from the base still do.
    assert "target_role_name = OrganizationAccountAccessRole" in exported
    assert "target_region = eu-central-1" in exported
    assert "aws_account_id = your-account-alias" in exported
    again = preview_esr_config(exported, first)
    assert [i.status for i in again] == ["unchanged"] * 8
    second = apply_import([], preview_esr_config(exported, []))
    assert second == first
    assert [p.role_arn for p in second] == [p.role_arn for p in first]
