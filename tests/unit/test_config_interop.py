"""Writing into an AWS config file other tools share (issue 10 items 13-15, 17, 19).

botocore itself reads every result here; tests/interop/ runs the real AWS CLI
over the same kind of export.
"""

from __future__ import annotations

from pathlib import Path

import botocore.configloader
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_profile
from xacct_gui.core.exporters import export_aws_config, granted_color, merge_config_text
from xacct_gui.core.exporters.regions import region_resolver
from xacct_gui.core.importers import apply_import, preview_aws_config
from xacct_gui.core.ini import parse_ini
from xacct_gui.core.profiles import RoleProfile


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-config"))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)


def botocore_profiles(text: str, tmp_path: Path) -> dict[str, dict[str, str]]:
    path = tmp_path / "read-back"
    path.write_text(text, encoding="utf-8")
    return botocore.configloader.load_config(str(path))["profiles"]


# --- 13: never a reference to a section the app did not write ---


def test_a_chained_role_never_points_at_the_users_own_profile(tmp_path: Path) -> None:
    original = "[profile Dev]\naws_access_key_id = AKIAUSERSOWN\nregion = eu-west-1\n"
    profiles = [
        make_profile("Dev", source_profile="work"),
        make_profile("Chained", account_id="333333333333", source_role="Dev", region=None),
        make_profile("Plain", source_profile="Dev"),  # the user's CLI profile, on purpose
    ]
    plan = merge_config_text(original, export_aws_config(profiles).blocks)
    loaded = botocore_profiles(plan.text, tmp_path)
    assert plan.text.startswith(original)  # the user's section, byte for byte
    assert "role_arn" not in loaded["Dev"]
    assert loaded["Chained"]["source_profile"] == "Dev-xacct"
    assert loaded["Dev-xacct"]["role_arn"] == profiles[0].role_arn
    assert loaded["Plain"]["source_profile"] == "Dev"
    assert any("Dev-xacct" in warning for warning in plan.warnings)
    # Merging again reuses the renamed section instead of adding another.
    assert merge_config_text(plan.text, export_aws_config(profiles).blocks).text == plan.text
    # And reading it back gives the app's profiles, names and chain included.
    again = apply_import([], preview_aws_config(plan.text, []))
    assert {p.name for p in again} == {"Dev", "Chained", "Plain"}
    assert next(p for p in again if p.name == "Chained").source_role == "Dev"


# --- 14: Granted's settings and managed blocks ---

GRANTED_FILE = """\
[profile Toolbar]
role_arn = arn:aws:iam::222222222222:role/Old
source_profile = work
granted_color = toolbar

[profile NoColour]
role_arn = arn:aws:iam::222222222222:role/Old
source_profile = work

[granted_registry_start corp]
[profile Managed]
role_arn = arn:aws:iam::999999999999:role/FromRegistry
source_profile = corp-sso
[granted_registry_end corp]
"""


def test_granted_values_and_managed_blocks_are_left_alone(tmp_path: Path) -> None:
    profiles = [
        make_profile("Toolbar", color="red", source_profile="work", region="eu-west-1"),
        make_profile("NoColour", color="blue", source_profile="work", region="eu-west-1"),
        make_profile("Managed", account_id="444444444444", source_profile="work"),
    ]
    plan = merge_config_text(GRANTED_FILE, export_aws_config(profiles).blocks)
    start = GRANTED_FILE.index("[granted_registry_start corp]")
    end = GRANTED_FILE.index("[granted_registry_end corp]")
    assert GRANTED_FILE[start:end] in plan.text  # not one byte inside the block changed
    loaded = botocore_profiles(plan.text, tmp_path)
    assert loaded["Toolbar"]["granted_color"] == "toolbar"
    assert loaded["Toolbar"]["xacct_color"] == "red"
    assert "granted_color" not in loaded["NoColour"]
    assert loaded["Managed"]["role_arn"].endswith("999999999999:role/FromRegistry")
    assert loaded["Managed-xacct"]["role_arn"] == profiles[2].role_arn
    read = {p.name: p for p in apply_import([], preview_aws_config(plan.text, []))}
    assert read["Toolbar"].color == "red" and read["NoColour"].color == "blue"


def test_nothing_is_appended_inside_a_managed_block_left_open() -> None:
    original = GRANTED_FILE.replace("[granted_registry_end corp]\n", "")
    plan = merge_config_text(original, export_aws_config([make_profile("New")]).blocks)
    assert plan.text == original
    assert plan.sections("add") == []
    assert any("granted_registry_start corp" in w and "New" in w for w in plan.warnings)


# --- 15: the region the app would use ---


def test_every_exported_block_names_the_region_the_app_would_use(tmp_path: Path) -> None:
    config = "[profile work]\nregion = ap-south-1\n\n[default]\nregion = eu-north-1\n"
    profiles = [
        make_profile("Own", region="eu-west-1", source_profile="work"),
        make_profile("FromSource", region=None, source_profile="work"),
        make_profile("FromDefault", region=None, source_profile="nowhere"),
        make_profile("Chain", region=None, source_role="Own"),
    ]
    result = export_aws_config(profiles, region_for=region_resolver(config, {}))
    loaded = botocore_profiles(config + "\n" + result.text, tmp_path)
    names = ("Own", "FromSource", "FromDefault", "Chain")
    assert {name: loaded[name]["region"] for name in names} == {
        "Own": "eu-west-1",
        "FromSource": "ap-south-1",
        "FromDefault": "us-east-1",
        "Chain": "eu-north-1",
    }
    env = region_resolver(config, {"AWS_DEFAULT_REGION": "sa-east-1"})
    assert env(profiles[1]) == "sa-east-1"


# --- 17: export -> import is the identity ---


def test_colours_map_to_granted_names_by_hue() -> None:
    assert granted_color("#000080") == "blue"  # navy
    assert granted_color("#ffaa00") == "orange"
    assert granted_color("#123456") == "blue"
    assert granted_color("#800080") == "purple"
    assert granted_color("#00ff00") == "green"
    assert granted_color("#ff1493") == "pink"
    assert granted_color("#808080") == "toolbar"


NAMES = st.text(
    alphabet=st.sampled_from("abcXYZ09 -_.#;[]\"'\\/@é"), min_size=1, max_size=12
).filter(lambda n: n == n.strip() and n.isprintable())
COLOURS = st.one_of(
    st.sampled_from(["red", "orange", "yellow", "green", "blue"]),
    st.from_regex(r"#[0-9a-f]{6}", fullmatch=True),
)
REGIONS = st.sampled_from([None, "eu-west-1", "us-east-1"])


@st.composite
def profile_sets(draw: st.DrawFn) -> list[RoleProfile]:
    names = draw(st.lists(NAMES, min_size=1, max_size=5, unique_by=str.casefold))
    profiles: list[RoleProfile] = []
    for index, name in enumerate(names):
        fields = {
            "account_id": f"{draw(st.integers(100000000000, 999999999999))}",
            "role_name": draw(st.sampled_from(["Admin", "team/ops/Admin", "a+b=c,d.e@f_g-h"])),
            "color": draw(COLOURS),
            "region": draw(REGIONS),
            "external_id": draw(st.sampled_from([None, "ext-1"])),
            "mfa_serial": draw(st.sampled_from([None, "arn:aws:iam::111111111111:mfa/alice"])),
            "session_name": draw(st.sampled_from([None, "alice"])),
            "duration_seconds": draw(st.sampled_from([None, 3600])),
            "source_profile": draw(st.sampled_from(["default", "work", "Ext Team"])),
        }
        if index and draw(st.booleans()):
            fields["source_role"] = profiles[draw(st.integers(0, index - 1))].name
            fields["source_profile"] = "default"
        profiles.append(make_profile(name, **fields))
    return profiles


@given(profile_sets())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_export_then_import_is_the_identity(profiles: list[RoleProfile]) -> None:
    result = export_aws_config(profiles)
    assert result.skipped == ()
    read = apply_import([], preview_aws_config(result.text, []))
    assert read == profiles
    # Against the saved profiles every item is unchanged: nothing to re-import.
    items = preview_aws_config(result.text, profiles)
    assert [item.status for item in items] == ["unchanged"] * len(profiles)
    # Merged into a file, the same holds.
    merged = merge_config_text("[profile work]\nregion = eu-west-1\n", result.blocks).text
    assert apply_import([], preview_aws_config(merged, [])) == profiles
    assert all(s.header for s in parse_ini(merged).sections)


# --- 19: aws-vault ---

VAULT = """\
[profile base]
mfa_serial = arn:aws:iam::111111111111:mfa/alice
region = eu-central-1

[profile parent]
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/alice
region = eu-west-2

[profile child]
parent_profile = parent
role_arn = arn:aws:iam::222222222222:role/Child

[profile included]
include_profile = parent
role_arn = arn:aws:iam::333333333333:role/Included
source_identity = alice
session_tags = team=ops
transitive_session_tags = team
mfa_process = pass otp aws

[profile loop-a]
include_profile = loop-b
role_arn = arn:aws:iam::444444444444:role/A

[profile loop-b]
include_profile = loop-a

[profile dangling]
include_profile = nowhere
role_arn = arn:aws:iam::555555555555:role/D
"""


def test_aws_vault_settings_are_followed_or_named() -> None:
    items = {item.name: item for item in preview_aws_config(VAULT, [])}
    child = items["child"].profile
    assert child is not None
    assert (child.source_profile, child.mfa_serial, child.region) == (
        "base",
        "arn:aws:iam::111111111111:mfa/alice",
        "eu-west-2",
    )
    included = items["included"]
    assert included.profile is not None
    assert included.profile.source_identity == "alice"
    assert included.profile.source_profile == "base"
    for dropped in ("session_tags", "transitive_session_tags", "mfa_process"):
        assert dropped in included.reason
    assert items["loop-a"].status == "invalid" and "loop" in items["loop-a"].reason
    assert items["dangling"].status == "invalid" and "nowhere" in items["dangling"].reason
