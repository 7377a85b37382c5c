"""Importing role profiles from the AWS config file and from AWS Extend Switch Roles.

The fixtures under ``tests/fixtures`` hold real-looking files: comments with ``#``
and ``;``, odd spacing, an ``s3 =`` sub-section, SSO and services sections,
CRLF line endings, duplicate names and entries the app cannot import.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_profile
from xacct_gui.core.colors import CONSOLE_COLORS, EXTRA_COLOR_NAMES, normalise_color
from xacct_gui.core.errors import ImportSourceError
from xacct_gui.core.importers import (
    PARTITION_DEFAULT_REGIONS,
    ImportItem,
    apply_import,
    count_statuses,
    default_aws_config_path,
    describe_counts,
    preview_aws_config,
    preview_esr_config,
    read_text_file,
)
from xacct_gui.core.ini import parse_ini
from xacct_gui.core.profiles import KNOWN_KEYS, PARTITIONS, RoleProfile, partition_for_region
from xacct_gui.core.validation import validate_fields

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MIXED = FIXTURES / "aws_config_mixed.ini"
CRLF = FIXTURES / "aws_config_crlf.ini"
ESR = FIXTURES / "esr_config.ini"

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def by_name(items: list[ImportItem]) -> dict[str, ImportItem]:
    """The first item of each name (duplicates are checked separately)."""
    found: dict[str, ImportItem] = {}
    for item in items:
        found.setdefault(item.name, item)
    return found


def profile_of(item: ImportItem) -> RoleProfile:
    assert item.profile is not None, f"{item.name}: {item.status} {item.reason}"
    return item.profile


def fixture_text(path: Path) -> str:
    # newline="" keeps CRLF: the importers see the bytes the file holds.
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


# --- lines and INI parsing ---


def test_an_indented_line_continues_the_value_before_it_as_in_botocore() -> None:
    # A classic trap: botocore reads source_profile as "work\nregion = x", so the
    # importer must not pretend the indented line is a key of its own.
    text = (
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\n"
        "source_profile = work\n  region = eu-west-1\n"
    )
    section = parse_ini(text).sections[0]
    assert section.values()["source_profile"] == "work\nregion = eu-west-1"
    [item] = preview_aws_config(text, [])
    assert item.status == "invalid"
    assert "source_profile" in item.reason


# --- colours ---


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("red", "red"),
        (" Green ", "green"),
        ("BLUE", "blue"),
        ("f2b0a9", "red"),  # the console's own red, written as hex, is "red"
        ("#EFDA95", "yellow"),
        ("ffaaee", "#ffaaee"),
        ("#FFAAEE", "#ffaaee"),
        ("#fae", "#ffaaee"),
        ('"ffaaee"', "#ffaaee"),
        ("turquoise", EXTRA_COLOR_NAMES["turquoise"]),
        ("purple", EXTRA_COLOR_NAMES["purple"]),
        ("chartreuse", None),
        ("#12345", None),
        ("", None),
    ],
)
def test_normalise_color(raw: str, expected: str | None) -> None:
    assert normalise_color(raw) == expected


@given(st.text(max_size=20))
@FUZZ
def test_normalised_colours_are_always_valid(raw: str) -> None:
    color = normalise_color(raw)
    if color is not None:
        data = {"name": "x", "account_id": "123456789012", "role_name": "r", "color": color}
        assert validate_fields(data) == {}


# --- AWS config ---


def test_aws_config_fixture_role_profiles() -> None:
    items = by_name(preview_aws_config(fixture_text(MIXED), []))
    dev = profile_of(items["Dev"])
    assert items["Dev"].status == "new"
    assert dev.to_dict() == {
        "name": "Dev",
        "account_id": "222222222222",
        "role_name": "DeveloperAccess",
        "external_id": "DeveloperAccess",
        "color": "green",
        "source_profile": "work",
        "region": "eu-west-1",
        "mfa_serial": None,
        "session_name": None,
        "duration_seconds": None,
    }
    test = profile_of(items["Test"])
    assert test.role_name == "team/qa/Tester"  # the path is kept
    assert test.role_arn == "arn:aws:iam::333333333333:role/team/qa/Tester"
    assert test.mfa_serial == "arn:aws:iam::111111111111:mfa/alice"
    assert test.duration_seconds == 3600
    assert test.session_name == "alice-test"
    assert test.color == "yellow"  # granted_color=#EFDA95 is the console's yellow
    assert profile_of(items["Prod"]).color == EXTRA_COLOR_NAMES["turquoise"]
    shared = items["Shared Services"]
    assert profile_of(shared).color == "blue"
    assert "chartreuse" in shared.reason
    # Sections without role_arn are sources, not roles.
    assert {"default", "work", "corp", "local", "plugins"}.isdisjoint(items)


def test_partition_comes_from_the_arn() -> None:
    items = by_name(preview_aws_config(fixture_text(MIXED), []))
    china = profile_of(items["China"])
    assert china.region == "cn-north-1"
    assert china.role_arn == "arn:aws-cn:iam::666666666666:role/Admin"
    assert "cn-north-1" in items["China"].reason
    gov = profile_of(items["GovCloud"])
    assert gov.region == "us-gov-east-1"  # a region in the partition is kept
    assert gov.role_arn == "arn:aws-us-gov:iam::777777777777:role/Admin"


@pytest.mark.parametrize("partition", [p for p in PARTITIONS if p != "aws"])
def test_every_partition_gets_a_consistent_region(partition: str) -> None:
    text = f"[profile p]\nrole_arn = arn:{partition}:iam::123456789012:role/R\nsource_profile = s\n"
    [item] = preview_aws_config(text, [])
    profile = profile_of(item)
    assert profile.region == PARTITION_DEFAULT_REGIONS[partition]
    assert partition_for_region(profile.region) == partition
    assert profile.role_arn.startswith(f"arn:{partition}:iam::")


def test_a_region_outside_the_arns_partition_is_invalid() -> None:
    text = (
        "[profile p]\nrole_arn = arn:aws-cn:iam::123456789012:role/R\n"
        "source_profile = s\nregion = eu-west-1\n"
    )
    [item] = preview_aws_config(text, [])
    assert item.status == "invalid"
    assert "aws-cn" in item.reason and "eu-west-1" in item.reason


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ec2-role", ["credential_source", "Ec2InstanceMetadata"]),
        ("ci", ["web_identity_token_file"]),
        ("broken-arn", ["arn:aws:iam::12345:role/Short", "role ARN"]),
        ("long-session", ["duration_seconds", "forever"]),
        ("orphan", ["source_profile"]),
        ("conflicting-keys", ["role_arn", "97", "98"]),
    ],
)
def test_aws_config_invalid_entries_say_why(name: str, words: list[str]) -> None:
    item = by_name(preview_aws_config(fixture_text(MIXED), []))[name]
    assert item.status == "invalid"
    assert item.profile is None
    assert not item.importable
    for word in words:
        assert word in item.reason


def test_duplicate_profiles_are_reported_not_fatal() -> None:
    items = preview_aws_config(fixture_text(MIXED), [])
    twice = [item for item in items if item.name == "twice"]
    assert [item.status for item in twice] == ["new", "invalid"]
    assert profile_of(twice[0]).role_name == "First"
    assert "again at line 88" in twice[0].reason
    assert "already defined at line 84" in twice[1].reason
    # "dev" differs from "Dev" only in case: one name in the app.
    dev_lower = next(item for item in items if item.name == "dev")
    assert dev_lower.status == "invalid"
    assert "only in case" in dev_lower.reason


def test_a_duplicated_key_with_the_same_value_is_only_a_note() -> None:
    text = (
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\n"
        "source_profile = s\nsource_profile = s\n"
    )
    [item] = preview_aws_config(text, [])
    assert item.status == "new"
    assert "source_profile is set twice" in item.reason


def test_crlf_config_imports() -> None:
    text = fixture_text(CRLF)
    assert "\r\n" in text
    items = by_name(preview_aws_config(text, []))
    billing = profile_of(items["Billing"])
    assert billing.source_profile == "default"
    assert billing.region == "us-east-1"
    audit = profile_of(items["Audit"])
    assert audit.color == "red"  # the last line has no newline
    assert all(not p.to_dict()["name"].endswith("\r") for p in (billing, audit))


def test_default_section_values_reach_every_profile_as_in_configparser() -> None:
    text = (
        "[DEFAULT]\nsource_profile = base\n"
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\n"
    )
    [item] = preview_aws_config(text, [])
    assert profile_of(item).source_profile == "base"


def test_lines_outside_sections_and_garbage_lines_are_reported() -> None:
    text = (
        "stray = before any section\n"
        "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/A\nsource_profile = s\n"
        "this line has no equals sign\n"
    )
    items = preview_aws_config(text, [])
    assert items[0].status == "invalid"
    assert "before the first [section]" in items[0].reason
    assert items[1].status == "new"
    assert "Line 5 is not 'key = value'" in items[1].reason


def test_an_empty_or_non_role_config_has_no_items() -> None:
    assert preview_aws_config("", []) == []
    assert preview_aws_config("[default]\naws_access_key_id = x\n", []) == []


# --- against saved profiles ---


def test_unchanged_changed_and_new_against_saved_profiles() -> None:
    existing = [
        make_profile(external_id="DeveloperAccess", source_profile="work"),
        make_profile(
            "Test",
            account_id="333333333333",
            role_name="Tester",
            external_id="DeveloperAccess",
            source_profile="work",
        ),
    ]
    items = by_name(preview_aws_config(fixture_text(MIXED), existing))
    assert items["Dev"].status == "unchanged"
    assert items["Dev"].changes == ()
    assert not items["Dev"].importable
    test = items["Test"]
    assert test.status == "changed"
    assert set(test.changes) == {
        "role_name",
        "color",
        "region",
        "external_id",
        "mfa_serial",
        "session_name",
        "duration_seconds",
    }
    assert items["Prod"].status == "new"


def test_names_match_ignoring_case_and_keep_the_saved_spelling() -> None:
    existing = [
        make_profile(
            "DEV", region="us-east-1", external_id="DeveloperAccess", source_profile="work"
        )
    ]
    items = by_name(preview_aws_config(fixture_text(MIXED), existing))
    item = items["Dev"]
    assert item.status == "changed"
    assert item.changes == ("region",)
    assert profile_of(item).name == "DEV"
    assert "'DEV'" in item.reason


def test_changed_profile_keeps_what_the_file_cannot_say() -> None:
    existing = [
        make_profile(
            source_identity="alice",
            extra_key="kept",
            external_id="DeveloperAccess",
            source_profile="work",
        )
    ]
    existing = [RoleProfile.from_dict({**existing[0].to_dict(), "future": 1})]
    [item] = [i for i in preview_aws_config(fixture_text(MIXED), existing) if i.name == "Dev"]
    assert item.status == "unchanged"
    profile = profile_of(item)
    assert profile.source_identity == "alice"
    assert profile.to_dict()["future"] == 1


def test_a_source_profile_in_the_file_replaces_a_sign_in_key() -> None:
    existing = [
        make_profile(source_key="alice-key", external_id="DeveloperAccess", source_profile="work")
    ]
    items = by_name(preview_aws_config(fixture_text(MIXED), existing))
    item = items["Dev"]
    assert item.status == "changed"
    assert item.changes == ("source_key",)
    assert profile_of(item).source_kind == "profile"


def test_a_missing_granted_color_keeps_the_saved_colour() -> None:
    text = (
        "[profile Dev]\nrole_arn = arn:aws:iam::222222222222:role/DeveloperAccess\n"
        "source_profile = work\nexternal_id = DeveloperAccess\nregion = eu-west-1\n"
    )
    [item] = preview_aws_config(
        text, [make_profile(color="#123456", external_id="DeveloperAccess", source_profile="work")]
    )
    assert item.status == "unchanged"
    assert profile_of(item).color == "#123456"


def test_apply_import_merges_selected_items_without_touching_the_input() -> None:
    existing = [
        make_profile(region="us-east-1", external_id="DeveloperAccess", source_profile="work"),
        make_profile(
            "Other", account_id="999999999999", external_id="DeveloperAccess", source_profile="work"
        ),
    ]
    frozen = list(existing)
    items = preview_aws_config(fixture_text(MIXED), existing)
    result = apply_import(existing, items)
    assert existing == frozen
    names = [p.name for p in result]
    assert names[:2] == ["Dev", "Other"]  # a changed profile keeps its place
    assert result[0].region == "eu-west-1"
    new_names = [i.name for i in items if i.status == "new"]
    assert names[2:] == new_names
    # Applying nothing, or only invalid and unchanged items, changes nothing.
    assert apply_import(existing, []) == existing
    assert apply_import(existing, [i for i in items if not i.importable]) == existing


def test_counts_and_summary() -> None:
    items = preview_aws_config(
        fixture_text(MIXED), [make_profile(external_id="DeveloperAccess", source_profile="work")]
    )
    counts = count_statuses(items)
    assert counts == {"new": 6, "changed": 0, "unchanged": 1, "invalid": 8}
    assert describe_counts(items) == "6 new, 1 unchanged, 8 invalid"
    assert describe_counts([]) == "No role profiles found"


# --- AWS Extend Switch Roles ---


def test_esr_fixture() -> None:
    items = preview_esr_config(fixture_text(ESR), [])
    named = by_name(items)
    marketing = profile_of(named["marketingadmin"])
    assert (marketing.account_id, marketing.role_name, marketing.color) == (
        "123456789012",
        "marketingadmin",
        "#ffaaee",
    )
    assert marketing.source_profile == "default"
    another = profile_of(named["anotheraccount"])
    assert (another.region, another.color) == ("ap-northeast-1", "red")  # "#F2B0A9"
    third = profile_of(named["athirdaccount"])
    assert third.account_id == "987654321988"  # "9876-5432-1988" as the console shows it
    role1 = profile_of(named["Org1-Account1-Role1"])
    assert role1.role_name == "Role1"  # the trailing comment is cut
    assert role1.source_profile == "organization1"
    assert role1.region == "eu-central-1"  # target_region of the base account
    account2 = profile_of(named["Org1-Account2"])
    assert account2.role_name == "OrganizationAccountAccessRole"  # target_role_name
    assert account2.color == "green"
    base2 = profile_of(named["Base2/Role1"])
    assert base2.role_name == "path/Role1"
    assert base2.source_profile == "baseaccount2"
    # Base accounts are sources, not roles.
    assert {"organization1", "baseaccount2"}.isdisjoint(named)
    missing = profile_of(named["missing-base"])
    assert missing.source_profile == "nowhere"
    assert "not defined" in named["missing-base"].reason


def test_esr_invalid_entries_say_why() -> None:
    items = preview_esr_config(fixture_text(ESR), [])
    named = by_name(items)
    assert named["AnotherRole"].status == "invalid"
    assert "account-3-alias" in named["AnotherRole"].reason
    assert named["lonely-base"].status == "invalid"
    assert "base account" in named["lonely-base"].reason
    duplicates = [item for item in items if item.name == "marketingadmin"]
    assert [item.status for item in duplicates] == ["new", "invalid"]
    assert "line 2" in duplicates[1].reason


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("aws_account_id = 123456789012\n[a]\nrole_name = r\n", ["before the first"]),
        ("[a]\nrole_name = r\n", ["no aws_account_id"]),
        ("[a]\ncolor = ffffff\n", ["neither role_arn"]),
        ("[a]\nrole_arn = arn:aws:iam::1:role/x\n", ["not a role ARN"]),
        (
            "[a]\nrole_arn = arn:aws:iam::123456789012:role/x\naws_account_id = 999999999999\n",
            ["disagree"],
        ),
        ("[a]\naws_account_id = 123456789012\nrole_name = r\nrole_name = s\n", ["role_name"]),
    ],
)
def test_esr_problems(text: str, words: list[str]) -> None:
    items = preview_esr_config(text, [])
    invalid = [item for item in items if item.status == "invalid"]
    assert invalid, items
    for word in words:
        assert any(word in item.reason for item in invalid), invalid


def test_esr_comment_styles_and_headers() -> None:
    text = (
        "[profile a]# comment\n; comment\n"
        "role_arn = arn:aws:iam::123456789012:role/roleA  #\n\n"
        "  [profile B] # comment\n"
        "role_arn = arn:aws:iam::123456789012:role/role-b;\n  # comment\n"
        "[profileC];comment\n# comment\n"
        "  role_arn = arn:aws:iam::123456789012:role/c  ;comment\n"
        "[d]\naws_account_id = 123456789012\nrole_name = d\ncolor = #aabbcc # blue-ish\n"
    )
    items = by_name(preview_esr_config(text, []))
    assert [(n, profile_of(i).role_name) for n, i in items.items()] == [
        ("a", "roleA"),
        ("B", "role-b"),
        ("profileC", "c"),
        ("d", "d"),
    ]
    assert profile_of(items["d"]).color == "#aabbcc"


def test_esr_round_trip_keeps_sources_from_saved_profiles() -> None:
    existing = [
        make_profile(
            "anotheraccount",
            account_id="987654321987",
            role_name="anotherrole",
            external_id="DeveloperAccess",
            source_profile="work",
        )
    ]
    items = by_name(preview_esr_config(fixture_text(ESR), existing))
    item = items["anotheraccount"]
    assert item.status == "changed"
    # The configuration names no source profile: the saved one ("work") stays.
    assert profile_of(item).source_profile == "work"
    assert "source_profile" not in item.changes
    # The extension has no ExternalId: the saved one stays.
    assert profile_of(item).external_id == "DeveloperAccess"
    assert set(item.changes) == {"color", "region"}


# --- files ---


def test_default_aws_config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_aws_config_path({"AWS_CONFIG_FILE": str(tmp_path / "c")}) == tmp_path / "c"
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    assert default_aws_config_path({}) == tmp_path / ".aws" / "config"
    monkeypatch.setenv("XACCT_TEST_DIR", str(tmp_path))
    assert default_aws_config_path({"AWS_CONFIG_FILE": "$XACCT_TEST_DIR/x"}) == tmp_path / "x"


def test_default_aws_config_path_follows_the_environment(tmp_path: Path) -> None:
    # tests/conftest.py points AWS_CONFIG_FILE at a temporary file.
    assert default_aws_config_path().name == "config"
    assert default_aws_config_path().parent.exists()


def test_read_text_file_problems(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError, match="There is no AWS config file at"):
        read_text_file(tmp_path / "missing", what="AWS config file")
    with pytest.raises(ImportSourceError, match="is a folder"):
        read_text_file(tmp_path)
    latin1 = tmp_path / "latin1"
    latin1.write_bytes(b"[profile caf\xe9]\n")
    with pytest.raises(ImportSourceError, match="not UTF-8"):
        read_text_file(latin1)
    big = tmp_path / "big"
    big.write_bytes(b"#" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ImportSourceError, match="larger than 5 MB"):
        read_text_file(big)
    crlf = read_text_file(CRLF)
    assert crlf == CRLF.read_bytes().decode("utf-8")  # bytes as they are, CRLF kept


# --- fuzzing: arbitrary text never raises ---

INI_ALPHABET = st.sampled_from(
    list("[]=:#;\"' \t\r\n-_/.") + list("abcprofilesourcerolarn:iam0123456789") + ["\ufeff", "é"]
)
INI_WORDS = st.sampled_from(
    [
        "[profile a]",
        "[profile A]",
        "[default]",
        "[DEFAULT]",
        "role_arn = arn:aws:iam::123456789012:role/R",
        "role_arn = arn:aws-cn:iam::123456789012:role/p/R",
        "source_profile = s",
        "credential_source = Environment",
        "granted_color = red",
        "color = #ffaaee",
        "aws_account_id = 123456789012",
        "role_name = R",
        "region = us-gov-west-1",
        "duration_seconds = 99999",
        "  nested = 1",
        "\n",
        "\r\n",
    ]
)
TEXTS = st.one_of(
    st.text(),
    st.text(alphabet=INI_ALPHABET),
    st.lists(INI_WORDS, max_size=20).map("\n".join),
)


def check_items(items: list[ImportItem], existing: list[RoleProfile]) -> None:
    names = {p.name.casefold() for p in existing}
    seen: set[str] = set()
    for item in items:
        assert item.status in ("new", "changed", "unchanged", "invalid")
        if item.status == "invalid":
            assert item.profile is None
            assert item.reason  # always says why
            continue
        profile = profile_of(item)
        # Every importable profile passes the same validation as the profile file.
        assert RoleProfile.from_dict(profile.to_dict()) == profile
        assert (profile.name.casefold() in names) == (item.status != "new")
        assert item.name.casefold() not in seen  # one valid item per name
        seen.add(item.name.casefold())
        assert set(item.changes) <= set(KNOWN_KEYS)
        assert bool(item.changes) == (item.status == "changed")


@given(TEXTS)
@FUZZ
def test_aws_config_import_never_raises(text: str) -> None:
    existing = [make_profile("a", external_id="DeveloperAccess", source_profile="work")]
    check_items(preview_aws_config(text, existing), existing)


@given(TEXTS)
@FUZZ
def test_esr_import_never_raises(text: str) -> None:
    existing = [make_profile("a", external_id="DeveloperAccess", source_profile="work")]
    check_items(preview_esr_config(text, existing), existing)


@given(TEXTS)
@FUZZ
def test_applying_any_preview_gives_unique_valid_profiles(text: str) -> None:
    existing = [
        make_profile("a", external_id="DeveloperAccess", source_profile="work"),
        make_profile("b", external_id="DeveloperAccess", source_profile="work"),
    ]
    items = preview_aws_config(text, existing) + preview_esr_config(text, existing)
    result = apply_import(existing, items)
    names = [p.name.casefold() for p in result]
    assert len(names) == len(set(names))
    for profile in result:
        assert RoleProfile.from_dict(profile.to_dict()) == profile


def test_console_colour_hexes_round_trip_to_names() -> None:
    for name, value in CONSOLE_COLORS.items():
        assert normalise_color(value.lstrip("#")) == name
