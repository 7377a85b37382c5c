"""Exporting profiles, and writing them into the AWS config without disturbing it.

The round-trip tests read the fixture files, import them, export the profiles
and merge them back: every section the app does not own must come back byte for
byte, and botocore itself must read the result.
"""

from __future__ import annotations

import configparser
import os
import stat
from datetime import datetime
from pathlib import Path

import botocore.configloader
import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_profile
from xacct_gui.core.colors import CONSOLE_COLORS
from xacct_gui.core.errors import ConfigWriteError
from xacct_gui.core.exporters import (
    AWS_CONFIG_HEADER,
    BACKUP_MARKER,
    ESR_HEADER,
    GRANTED_COLORS,
    ConfigBlock,
    backup_path,
    export_aws_config,
    export_esr,
    export_profiles,
    granted_color,
    merge_config_text,
    prepare_config_write,
    sanitise_cli_profile_name,
    sanitise_esr_name,
    write_config,
)
from xacct_gui.core.importers import apply_import, preview_aws_config, preview_esr_config
from xacct_gui.core.ini import cli_profile_name, dominant_newline, parse_ini, split_lines
from xacct_gui.core.profiles import RoleProfile

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MIXED = FIXTURES / "aws_config_mixed.ini"
CRLF = FIXTURES / "aws_config_crlf.ini"
ESR = FIXTURES / "esr_config.ini"
NOW = datetime(2025, 1, 2, 3, 4, 5)

GRANTED_COLORS_OK = {*GRANTED_COLORS, "toolbar", "blue", "red", "green"}
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fixture_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


DEV_BLOCK = (
    "[profile Dev]\n"
    "role_arn = arn:aws:iam::222222222222:role/DeveloperAccess\n"
    "source_profile = work\n"
    "region = us-east-1\n"
    "granted_color = green\n"
    "xacct_region = inherited\n"
)


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # The region an export names comes from the AWS config file: never the user's.
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-such-config"))
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)


def imported(text: str) -> list[RoleProfile]:
    return apply_import([], preview_aws_config(text, []))


def section_texts(text: str) -> dict[tuple[str, int], str]:
    """Each section's full text (header to the next header), keyed by header and occurrence."""
    document = parse_ini(text)
    lines = document.lines
    result: dict[tuple[str, int], str] = {}
    starts = [s.index for s in document.sections] + [len(lines)]
    seen: dict[str, int] = {}
    for section, end in zip(document.sections, starts[1:], strict=True):
        occurrence = seen.get(section.header, 0)
        seen[section.header] = occurrence + 1
        result[(section.header, occurrence)] = "".join(lines[section.index : end])
    return result


# --- Extend Switch Roles ---


def test_esr_export_text() -> None:
    profiles = [
        make_profile(region="eu-west-1", source_profile="work"),
        make_profile(
            "Test",
            account_id="333333333333",
            role_name="team/Tester",
            color="#ffaaee",
            source_profile="work",
            region=None,
        ),
    ]
    result = export_esr(profiles)
    assert result.text == (
        f"{ESR_HEADER}\n"
        "\n"
        "[Dev]\n"
        "aws_account_id = 222222222222\n"
        "role_name = DeveloperAccess\n"
        "color = b7ca9d\n"
        "region = eu-west-1\n"
        "\n"
        "[Test]\n"
        "aws_account_id = 333333333333\n"
        "role_name = team/Tester\n"
        "color = ffaaee\n"
    )
    assert result.exported == ("Dev", "Test")
    assert result.format == "esr"
    assert any("base-account block" in note for note in result.notes)


def test_esr_export_with_known_source_accounts_writes_base_blocks() -> None:
    profiles = [
        make_profile(source_profile="work", region=None),
        make_profile("Chained", source_role="Dev", source_profile="work", region=None),
    ]
    result = export_esr(profiles, base_accounts={"work": "111111111111"})
    assert "[work]\naws_account_id = 111111111111\n" in result.text
    assert (
        "[Dev]\naws_account_id = 222222222222\nrole_name = DeveloperAccess\n"
        "color = b7ca9d\nsource_profile = work\n"
    ) in result.text
    chained = result.text.split("[Chained]")[1]
    assert "source_profile" not in chained
    # The extension's own reading of it: Dev belongs to the base account "work".
    items = {i.name: i for i in preview_esr_config(result.text, [])}
    assert "work" not in items
    assert items["Dev"].profile is not None
    assert items["Dev"].profile.source_profile == "work"


def test_esr_export_round_trips_through_the_importer() -> None:
    profiles = [
        make_profile(region="eu-west-1", source_profile="work"),
        make_profile(
            "Prod",
            color="red",
            account_id="444444444444",
            role_name="a/b/Admin",
            source_profile="work",
            region=None,
        ),
        make_profile(
            "Custom", color="#123abc", account_id="555555555555", source_profile="work", region=None
        ),
    ]
    text = export_esr(profiles).text
    items = preview_esr_config(text, profiles)
    assert [(i.name, i.status) for i in items] == [
        ("Dev", "unchanged"),
        ("Prod", "unchanged"),
        ("Custom", "unchanged"),
    ]


def test_esr_fixture_import_export_import_is_stable() -> None:
    profiles = apply_import([], preview_esr_config(fixture_text(ESR), []))
    again = preview_esr_config(export_esr(profiles).text, profiles)
    assert {i.status for i in again} == {"unchanged"}
    assert len(again) == len(profiles)


def test_esr_names_and_notes() -> None:
    profiles = [
        make_profile("Prod #1; eu", source_profile="work", region=None),
        make_profile("profile x", external_id="secret-ext", source_profile="work", region=None),
    ]
    result = export_esr(profiles)
    assert "[Prod -1- eu]" in result.text
    assert "[profile profile x]" in result.text  # the extension drops one "profile "
    items = [i.name for i in preview_esr_config(result.text, [])]
    assert items == ["Prod -1- eu", "profile x"]
    assert any("ExternalId" in note for note in result.notes)
    assert any("Prod #1; eu" in note for note in result.notes)


def test_sanitise_esr_name() -> None:
    assert sanitise_esr_name("a#b;c") == "a-b-c"
    assert sanitise_esr_name("##") == "profile"


# --- AWS config blocks ---


def test_aws_config_export_text() -> None:
    profiles = [
        make_profile(
            external_id="DeveloperAccess",
            region="eu-west-1",
            mfa_serial="arn:aws:iam::111111111111:mfa/alice",
            duration_seconds=3600,
            session_name="alice",
            source_profile="work",
        ),
        make_profile(
            "default",
            account_id="333333333333",
            role_name="team/Admin",
            color="red",
            source_profile="work",
            region=None,
        ),
    ]
    result = export_aws_config(profiles)
    assert result.text == (
        f"{AWS_CONFIG_HEADER}\n"
        "\n"
        "[profile Dev]\n"
        "role_arn = arn:aws:iam::222222222222:role/DeveloperAccess\n"
        "source_profile = work\n"
        "external_id = DeveloperAccess\n"
        "mfa_serial = arn:aws:iam::111111111111:mfa/alice\n"
        "region = eu-west-1\n"
        "duration_seconds = 3600\n"
        "role_session_name = alice\n"
        "granted_color = green\n"
        "\n"
        "[default]\n"
        "role_arn = arn:aws:iam::333333333333:role/team/Admin\n"
        "source_profile = work\n"
        "region = us-east-1\n"
        "granted_color = red\n"
        "xacct_region = inherited\n"
    )
    assert [b.cli_name for b in result.blocks] == ["Dev", "default"]
    assert result.notes == ()


def test_aws_config_export_is_read_back_by_botocore(tmp_path: Path) -> None:
    profiles = [
        make_profile(
            region="us-gov-west-1",
            account_id="123456789012",
            role_name="p/R",
            source_profile="work",
        ),
        make_profile("Chained", source_role="Dev", source_profile="work", region=None),
        make_profile("Keyed", source_key="alice-key", source_profile="work", region=None),
        make_profile("With space", color="#123456", source_profile="work", region=None),
    ]
    result = export_aws_config(profiles)
    config = tmp_path / "config"
    config.write_text(result.text)
    loaded = botocore.configloader.load_config(str(config))["profiles"]
    assert loaded["Dev"]["role_arn"] == "arn:aws-us-gov:iam::123456789012:role/p/R"
    assert loaded["Chained"]["source_profile"] == "Dev"  # role chaining, the CLI way
    # A name with a space is quoted in the header, as botocore reads it.
    assert loaded["With space"]["granted_color"] == "blue"  # navy-ish #123456: blue by hue
    assert loaded["With space"]["xacct_color"] == "#123456"
    assert "Keyed" not in loaded
    assert result.skipped == (("Keyed", result.skipped[0][1]),)
    assert "keyring" in result.skipped[0][1]
    assert any("#123456" in note for note in result.notes)


def test_a_chained_source_outside_the_export_is_not_written() -> None:
    # Its source_profile would name a section the app did not write (issue 10 item 13).
    result = export_aws_config(
        [make_profile("Chained", source_role="Base role", source_profile="work", region=None)]
    )
    assert result.blocks == ()
    assert result.skipped[0][0] == "Chained"
    assert "Base role" in result.skipped[0][1]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Dev", "Dev"),
        ("Prod admin", "Prod-admin"),
        ("a  [b] c", "a-b-c"),
        ('quote"s', "quote-s"),
        ("#hash;semi", "hash-semi"),
        ("Base2/Role1", "Base2/Role1"),
        ("   ", "profile"),
        ("café", "café"),
    ],
)
def test_sanitise_cli_profile_name(name: str, expected: str) -> None:
    assert sanitise_cli_profile_name(name) == expected


@given(st.text(min_size=1, max_size=30).filter(str.isprintable))
@FUZZ
def test_sanitised_names_read_back_as_themselves(name: str) -> None:
    cli_name = sanitise_cli_profile_name(name)
    header = "default" if cli_name == "default" else f"profile {cli_name}"
    [section] = parse_ini(f"[{header}]\nk = v\n").sections
    assert cli_profile_name(section.header) == cli_name


def test_sanitised_names_stay_unique() -> None:
    result = export_aws_config(
        [
            make_profile("a b", source_profile="work", region=None),
            make_profile("a-b", source_profile="work", region=None),
            make_profile("a  b", source_profile="work", region=None),
            make_profile("A#B", source_profile="work", region=None),
        ]
    )
    assert [b.cli_name for b in result.blocks] == ["a b", "a-b", "a-b-2", "A-B-3"]
    assert [dict(b.values).get("xacct_name") for b in result.blocks] == [None, None, "a  b", "A#B"]


def test_granted_color() -> None:
    for name in CONSOLE_COLORS:
        assert granted_color(name) == name
    assert granted_color("#f2b0a9") == "red"
    assert granted_color("#8fd8cc") == "turquoise"
    assert granted_color("#ff0000") in {"red", "orange", "pink"}
    assert granted_color("#0000ff") in {"blue", "purple"}


def test_export_profiles_dispatches() -> None:
    assert (
        export_profiles([make_profile(source_profile="work", region=None)], "esr").format == "esr"
    )
    assert (
        export_profiles([make_profile(source_profile="work", region=None)], "aws-config").format
        == "aws-config"
    )
    assert export_profiles([], "aws-config").blocks == ()


# --- merging into an existing config ---


@pytest.mark.parametrize("fixture", [MIXED, CRLF], ids=["mixed", "crlf"])
def test_round_trip_leaves_untouched_sections_byte_identical(fixture: Path) -> None:
    original = fixture_text(fixture)
    profiles = imported(original)
    assert profiles
    plan = merge_config_text(original, export_aws_config(profiles).blocks)
    exported_headers = {c.header for c in plan.changes}
    before, after = section_texts(original), section_texts(plan.text)
    untouched = [key for key in before if key[0] not in exported_headers or key[1] > 0]
    assert untouched
    for key in untouched:
        assert after[key] == before[key], key
    # The text before the first section (comments) is untouched too.
    first = parse_ini(original).sections[0].index
    assert split_lines(plan.text)[:first] == split_lines(original)[:first]
    # Nothing was appended: every profile already had its section.
    assert plan.sections("add") == []
    # Re-importing gives the same profiles, and merging again changes nothing.
    again = preview_aws_config(plan.text, profiles)
    assert {i.status for i in again if i.profile is not None} == {"unchanged"}
    assert merge_config_text(plan.text, export_aws_config(profiles).blocks).text == plan.text


def test_round_trip_keeps_every_line_the_app_does_not_manage() -> None:
    original = fixture_text(MIXED)
    plan = merge_config_text(original, export_aws_config(imported(original)).blocks)
    new_lines = split_lines(plan.text)
    for line in split_lines(original):
        if not line.lstrip().startswith(("granted_color", "region")):
            assert line in new_lines, line
    for kept in ("    addressing_style = path\n", "cli_pager =\n", "# the developers' account\n"):
        assert kept in new_lines
    # Only an invalid granted_color, the assumed China region and the region the app
    # would use for a profile without one changed.
    changes = {c.header: (c.set_keys, c.removed_keys) for c in plan.changes}
    assert changes["profile Dev"] == ((), ())
    assert changes["profile Test"] == (("region", "granted_color", "xacct_region"), ())
    assert changes["profile China"] == (("region", "xacct_color"), ())
    assert any("line 88" in w for w in plan.warnings)  # the duplicate [profile twice]


def test_crlf_stays_crlf() -> None:
    original = fixture_text(CRLF)
    profiles = [*imported(original), make_profile("New one", source_profile="work", region=None)]
    profiles = [p.replace(color="orange") if p.name == "Audit" else p for p in profiles]
    plan = merge_config_text(original, export_aws_config(profiles).blocks)
    assert plan.text.startswith(original[: original.index("[profile Billing]")])
    assert (
        "; keep the region\r\nregion = us-east-1\r\ns3 =\r\n  max_concurrent_requests = 20\r\n"
        in plan.text
    )
    assert plan.text.count("\n") == plan.text.count("\r\n")
    # Granted's valid colour stays; the app's goes to xacct_color.
    assert "xacct_color = orange\r\n" in plan.text  # the last line gained its newline
    new_block = DEV_BLOCK.replace("[profile Dev]", '[profile "New one"]')
    assert plan.text.endswith(new_block.replace("\n", "\r\n"))
    assert '\r\n\r\n[profile "New one"]' in plan.text


def test_update_in_place_keeps_style_and_foreign_keys() -> None:
    original = (
        "[profile Dev]\n"
        "  Role_Arn=arn:aws:iam::999999999999:role/Old   \n"
        "source_profile = work\n"
        "credential_source = Environment\n"
        "region = eu-west-1\n"
        "output = json\n"
        "s3 =\n"
        "    addressing_style = path\n"
        "\n"
        "# next\n"
        "[profile Other]\n"
        "region = us-east-1\n"
    )
    new = make_profile(external_id="ext-id-1", source_profile="work", region=None)
    plan = merge_config_text(original, export_aws_config([new]).blocks)
    assert plan.text == (
        "[profile Dev]\n"
        "  Role_Arn=arn:aws:iam::222222222222:role/DeveloperAccess\n"
        "source_profile = work\n"
        "region = eu-west-1\n"  # the app has no region: the CLI's stays
        "output = json\n"
        "s3 =\n"
        "    addressing_style = path\n"
        "external_id = ext-id-1\n"
        "xacct_color = green\n"  # no granted_color is added; the app's colour is kept here
        "xacct_region = inherited\n"
        "\n"
        "# next\n"
        "[profile Other]\n"
        "region = us-east-1\n"
    )
    [change] = plan.changes
    assert change.action == "update"
    assert change.set_keys == ("role_arn", "external_id", "xacct_color", "xacct_region")
    assert change.removed_keys == ("credential_source",)
    assert "remove credential_source" in plan.describe()


def test_keys_the_profile_no_longer_has_are_removed() -> None:
    original = (
        "[profile Dev]\nrole_arn = arn:aws:iam::222222222222:role/DeveloperAccess\n"
        "source_profile = work\nexternal_id = old-ext\nmfa_serial = arn:aws:iam::1:mfa/x\n"
        "granted_color = green\n"
    )
    plan = merge_config_text(
        original, export_aws_config([make_profile(source_profile="work", region=None)]).blocks
    )
    assert plan.text == (
        "[profile Dev]\nrole_arn = arn:aws:iam::222222222222:role/DeveloperAccess\n"
        "source_profile = work\ngranted_color = green\nregion = us-east-1\n"
        "xacct_region = inherited\n"
    )


def test_quoted_and_default_sections_are_matched() -> None:
    original = (
        '[profile "Shared Services"]\nrole_arn = arn:aws:iam::555555555555:role/Old\n'
        "source_profile = work\n\n[default]\nrole_arn = arn:aws:iam::1:role/x\n"
    )
    profiles = [
        make_profile(
            "Shared Services",
            account_id="555555555555",
            role_name="Ops",
            source_profile="work",
            region=None,
        ),
        make_profile("default", account_id="666666666666", source_profile="work", region=None),
        make_profile("Chained", source_role="Shared Services", source_profile="work", region=None),
    ]
    plan = merge_config_text(original, export_aws_config(profiles).blocks)
    assert plan.sections("update") == ['profile "Shared Services"', "default"]
    assert plan.sections("add") == ["profile Chained"]
    loaded = botocore.configloader.build_profile_map(
        {s.header: s.values() for s in parse_ini(plan.text).sections}
    )["profiles"]
    assert loaded["Shared Services"]["role_arn"].endswith("role/Ops")
    assert loaded["default"]["role_arn"] == "arn:aws:iam::666666666666:role/DeveloperAccess"
    # The chained profile names the section that exists.
    assert loaded["Chained"]["source_profile"] == "Shared Services"


def test_profiles_that_are_not_roles_are_never_turned_into_roles() -> None:
    original = fixture_text(MIXED)
    profiles = [
        make_profile(
            "work", source_profile="work", region=None
        ),  # the SSO profile everything else uses as its source
        make_profile(
            "default", source_profile="work", region=None
        ),  # the CLI's default profile: region and output
        make_profile("Dev", source_profile="work", region=None),
    ]
    plan = merge_config_text(original, export_aws_config(profiles).blocks)
    # They are written under a new name instead (issue 10 item 13).
    assert plan.sections("add") == ["profile work-xacct", "profile default-xacct"]
    assert plan.sections("update") == ["profile Dev"]
    before, after = section_texts(original), section_texts(plan.text)
    assert after[("profile work", 0)] == before[("profile work", 0)]
    assert after[("default", 0)] == before[("default", 0)]
    assert "[profile work] (line 8) is left alone: it is not a role profile" in plan.describe()


def test_an_empty_section_of_the_same_name_is_filled() -> None:
    plan = merge_config_text(
        "[profile Dev]\n\n[x]\n",
        export_aws_config([make_profile(source_profile="work", region=None)]).blocks,
    )
    assert plan.text == DEV_BLOCK + "\n[x]\n"


@pytest.mark.parametrize(
    ("original", "expected_start"),
    [
        ("", "[profile Dev]\n"),
        ("[default]\nregion = x", "[default]\nregion = x\n\n[profile Dev]\n"),
        ("[default]\nregion = x\n", "[default]\nregion = x\n\n[profile Dev]\n"),
        ("[default]\nregion = x\n\n", "[default]\nregion = x\n\n[profile Dev]\n"),
        ("\ufeff# bom\n", "\ufeff# bom\n\n[profile Dev]\n"),
    ],
)
def test_appending_new_sections(original: str, expected_start: str) -> None:
    plan = merge_config_text(
        original, export_aws_config([make_profile(source_profile="work", region=None)]).blocks
    )
    assert plan.text.startswith(expected_start)
    assert plan.sections("add") == ["profile Dev"]
    assert plan.text.endswith("xacct_region = inherited\n")


def test_insert_after_a_last_line_without_newline() -> None:
    original = DEV_BLOCK.removesuffix("\nxacct_region = inherited\n")
    plan = merge_config_text(
        original, export_aws_config([make_profile(source_profile="work", region=None)]).blocks
    )
    assert plan.text == original + "\nxacct_region = inherited\n"


def test_dominant_newline() -> None:
    assert dominant_newline("") == "\n"
    assert dominant_newline("a\r\nb\r\nc\n") == "\r\n"
    assert dominant_newline("a\nb\nc\r\n") == "\n"


BLOCKS = st.lists(
    st.builds(
        lambda name, arn_account, region: ConfigBlock(
            name,
            name,
            (
                ("role_arn", f"arn:aws:iam::{arn_account}:role/R"),
                ("source_profile", "s"),
                *((("region", region),) if region else ()),
                ("granted_color", "red"),
            ),
        ),
        st.sampled_from(["a", "b", "default", "c", "Dev", "thrice", "work"]),
        st.sampled_from(["111111111111", "222222222222"]),
        st.sampled_from([None, "eu-west-1"]),
    ),
    max_size=3,
    unique_by=lambda b: b.cli_name,
)
CONFIG_TEXT = st.one_of(
    st.text(),
    st.lists(
        st.sampled_from(
            [
                "[profile a]",
                "[default]",
                "[profile b]",
                "role_arn = x",
                "  role_arn = y",
                "region=us-east-1",
                "granted_color = blue",
                "# c",
                "",
                "s3 =",
                "  x = 1",
                "junk",
                "credential_source = Environment",
            ]
        ),
        max_size=16,
    ).map("\n".join),
)


@given(CONFIG_TEXT, BLOCKS)
@FUZZ
def test_merge_never_raises_and_is_idempotent(original: str, blocks: list[ConfigBlock]) -> None:
    plan = merge_config_text(original, blocks)
    assert merge_config_text(plan.text, blocks).text == plan.text
    # Whatever lies before the first section is never touched.
    document = parse_ini(original)
    prefix_end = document.sections[0].index if document.sections else len(document.lines)
    assert plan.text.startswith("".join(document.lines[:prefix_end]))


@given(BLOCKS)
@FUZZ
def test_merged_blocks_are_what_botocore_reads(blocks: list[ConfigBlock]) -> None:
    original = (
        fixture_text(MIXED)
        .replace(
            "[profile twice]\nrole_arn = arn:aws:iam::999999999999:role/Second",
            "[profile thrice]\nrole_arn = arn:aws:iam::999999999999:role/Second",
        )
        .replace("role_arn = arn:aws:iam::999999999999:role/B\n", "")
    )
    plan = merge_config_text(original, blocks)
    # configparser itself, as botocore.configloader.raw_config_parse uses it.
    parser = configparser.RawConfigParser()
    parser.read_string(plan.text)
    parsed = {name: dict(parser.items(name)) for name in parser.sections()}
    profiles = botocore.configloader.build_profile_map(parsed)["profiles"]
    for block, change in zip(blocks, plan.changes, strict=True):
        values = profiles[change.cli_name]
        if change.cli_name != block.cli_name:  # the file's own section was left alone
            assert profiles[block.cli_name] != values
        for key, value in block.values:
            if key == "granted_color" and change.action != "add":
                assert key not in values or values[key] in GRANTED_COLORS_OK
                continue
            if key == "region" and change.action != "add" and "xacct_region" in dict(block.values):
                continue  # a region already there stays
            if key in ("source_profile", "xacct_name") and change.cli_name != block.cli_name:
                continue
            assert values[key] == value


# --- writing the file ---


def write_fixture(path: Path, source: Path = MIXED, mode: int = 0o640) -> bytes:
    data = source.read_bytes()
    path.write_bytes(data)
    os.chmod(path, mode)
    return data


def test_write_config_backs_up_then_replaces(tmp_path: Path) -> None:
    config = tmp_path / "config"
    original = write_fixture(config)
    profiles = [
        *imported(original.decode()),
        make_profile("Brand new", account_id="101010101010", source_profile="work", region=None),
    ]
    plan = prepare_config_write(config, profiles)
    assert plan.existed
    assert plan.merge.changed
    assert 'Add [profile "Brand new"]' in plan.describe()
    backup = write_config(plan, now=NOW)
    assert backup == tmp_path / f"config{BACKUP_MARKER}20250102-030405"
    assert backup.read_bytes() == original
    assert config.read_text(encoding="utf-8") == plan.merge.text
    if os.name == "posix":
        assert stat.S_IMODE(config.stat().st_mode) == 0o640
        assert stat.S_IMODE(backup.stat().st_mode) == 0o640
    # No temporary files are left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config", backup.name]
    # The fixture has duplicates botocore refuses; its reading of the sections:
    parsed = {s.header: s.values() for s in parse_ini(config.read_text()).sections}
    loaded = botocore.configloader.build_profile_map(parsed)["profiles"]
    assert loaded["Brand new"]["role_arn"] == "arn:aws:iam::101010101010:role/DeveloperAccess"


def test_botocore_uses_the_written_file(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_fixture(config, CRLF, 0o600)
    profiles = [
        *imported(CRLF.read_text()),
        make_profile("Brand new", account_id="101010101010", source_profile="work", region=None),
    ]
    write_config(prepare_config_write(config, profiles), now=NOW)
    for name, arn in [
        ("Brand new", "arn:aws:iam::101010101010:role/DeveloperAccess"),
        ("Billing", "arn:aws:iam::121212121212:role/Billing"),
    ]:
        session = botocore.session.Session(profile=name)
        session.set_config_variable("config_file", str(config))
        assert session.get_scoped_config()["role_arn"] == arn
    session = botocore.session.Session(profile="Billing")
    session.set_config_variable("config_file", str(config))
    assert session.get_scoped_config()["s3"] == {"max_concurrent_requests": "20"}


def test_write_config_keeps_crlf_bytes(tmp_path: Path) -> None:
    config = tmp_path / "config"
    original = write_fixture(config, CRLF, 0o600)
    profiles = imported(original.decode())
    profiles = [p.replace(region="us-west-2") if p.name == "Audit" else p for p in profiles]
    write_config(prepare_config_write(config, profiles), now=NOW)
    written = config.read_bytes()
    assert b"\n" not in written.replace(b"\r\n", b"")
    assert written.startswith(original[: original.index(b"[profile Billing]")])
    assert written.endswith(b"granted_color = red\r\nregion = us-west-2\r\n")


def test_a_second_backup_in_the_same_second_gets_its_own_name(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_fixture(config)
    first = write_config(
        prepare_config_write(config, [make_profile("One", source_profile="work", region=None)]),
        now=NOW,
    )
    second = write_config(
        prepare_config_write(config, [make_profile("Two", source_profile="work", region=None)]),
        now=NOW,
    )
    assert first is not None and second is not None
    assert second.name == f"config{BACKUP_MARKER}20250102-030405-2"
    assert "[profile One]" not in first.read_text()
    assert "[profile One]" in second.read_text()
    assert backup_path(config, NOW).name.endswith("-3")


def test_nothing_to_change_writes_nothing(tmp_path: Path) -> None:
    config = tmp_path / "config"
    original = write_fixture(config)
    plan = prepare_config_write(config, [])
    assert not plan.merge.changed
    assert write_config(plan, now=NOW) is None
    assert config.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["config"]


def test_a_missing_file_is_created_private_without_backup(tmp_path: Path) -> None:
    config = tmp_path / "dot-aws" / "config"
    plan = prepare_config_write(config, [make_profile(source_profile="work", region=None)])
    assert not plan.existed
    assert "(new file)" in plan.describe()
    assert write_config(plan, now=NOW) is None
    assert config.read_text() == DEV_BLOCK
    if os.name == "posix":
        assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_a_file_changed_after_the_preview_is_not_overwritten(tmp_path: Path) -> None:
    config = tmp_path / "config"
    write_fixture(config)
    plan = prepare_config_write(config, [make_profile("New", source_profile="work", region=None)])
    config.write_text(config.read_text() + "\n[profile edited]\nregion = x\n")
    edited = config.read_bytes()
    with pytest.raises(ConfigWriteError, match="changed after the preview"):
        write_config(plan, now=NOW)
    assert config.read_bytes() == edited
    assert [p.name for p in tmp_path.iterdir()] == ["config"]


def test_a_file_created_after_the_preview_is_not_overwritten(tmp_path: Path) -> None:
    config = tmp_path / "config"
    plan = prepare_config_write(config, [make_profile(source_profile="work", region=None)])
    config.write_text("")
    with pytest.raises(ConfigWriteError, match="changed after the preview"):
        write_config(plan, now=NOW)


def test_a_non_utf8_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_bytes(b"# caf\xe9\n[default]\n")
    with pytest.raises(ConfigWriteError, match="not UTF-8"):
        prepare_config_write(config, [make_profile(source_profile="work", region=None)])


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need privileges on Windows")
def test_a_symlinked_config_stays_a_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "aws-config"
    original = write_fixture(real, CRLF, 0o600)
    link = tmp_path / "config"
    link.symlink_to(real)
    plan = prepare_config_write(link, [make_profile(source_profile="work", region=None)])
    assert plan.target == real
    assert "a link to" in plan.describe()
    backup = write_config(plan, now=NOW)
    assert link.is_symlink()
    assert "[profile Dev]" in real.read_text()
    assert backup is not None and backup.parent == dotfiles
    assert backup.read_bytes() == original


def test_a_failed_backup_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config"
    original = write_fixture(config, CRLF, 0o600)
    plan = prepare_config_write(config, [make_profile(source_profile="work", region=None)])
    real_open = os.open

    def refuse_backups(path: str | os.PathLike[str], flags: int, *args: int) -> int:
        if BACKUP_MARKER in os.fspath(path):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", refuse_backups)
    with pytest.raises(ConfigWriteError, match=r"Permission denied.*nothing was changed"):
        write_config(plan, now=NOW)
    assert config.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["config"]


def test_a_failed_replace_keeps_the_file_and_names_the_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    original = write_fixture(config, CRLF, 0o600)
    plan = prepare_config_write(config, [make_profile(source_profile="work", region=None)])

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(ConfigWriteError, match="No space left on device") as caught:
        write_config(plan, now=NOW)
    assert "the file is unchanged" in str(caught.value)
    assert BACKUP_MARKER in str(caught.value)
    assert config.read_bytes() == original
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["config", f"config{BACKUP_MARKER}20250102-030405"]
