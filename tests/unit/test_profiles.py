"""Validation, profiles and colours, checked against AWS's documented limits.

The boundaries come from the IAM/STS API references: account IDs are 12 digits;
RoleName is 1-64 of ``[\\w+=,.@-]`` (ASCII) and Path is 1-512 of ``/`` or
``/[!-~]+/``; RoleSessionName is 2-64, ExternalId 2-1224, DurationSeconds
900-43200 (3600 when chaining), SerialNumber 9-256 and TokenCode 6 digits.
"""

from __future__ import annotations

import itertools
import json
import os
from typing import Any

import botocore
import pytest

from xacct_gui.core.colors import CONSOLE_COLORS, color_hex, contrast_ratio, text_color_for
from xacct_gui.core.errors import ProfileError
from xacct_gui.core.profiles import (
    PARTITIONS,
    RoleArn,
    RoleProfile,
    check_role_arn,
    default_session_name,
    parse_role_arn,
    partition_for_region,
    sanitise_session_name,
)
from xacct_gui.core.validation import (
    check_account_id,
    check_color,
    check_display_name,
    check_duration,
    check_external_id,
    check_mfa_code,
    check_mfa_serial,
    check_region,
    check_role_name,
    check_session_name,
    split_role_name,
    validate_fields,
)

NAME_PUNCTUATION = "+=,.@_-"
ARABIC_INDIC = "".join(chr(0x0660 + d) for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2))
FULLWIDTH = "".join(chr(0xFF10 + d) for d in (1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2))
DEVANAGARI_SIX = "".join(chr(0x0966 + d) for d in (1, 2, 3, 4, 5, 6))


def valid_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Dev",
        "account_id": "222222222222",
        "role_name": "DeveloperAccess",
        "external_id": "DeveloperAccess",
        "color": "green",
        "source_profile": "default",
        "region": "eu-west-1",
        "mfa_serial": None,
        "session_name": None,
        "duration_seconds": None,
    }
    data.update(changes)
    return data


# --- account id ---


@pytest.mark.parametrize("value", ["123456789012", "000000000000", "999999999999"])
def test_account_id_accepts_twelve_ascii_digits(value: str) -> None:
    assert check_account_id(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "12345678901",  # 11
        "1234567890123",  # 13
        "",
        "12345678901a",
        "abcdefghijkl",
        " 23456789012",
        "123456789012 ",
        "123456789012\n",  # fullmatch, not "$" which allows a final newline
        "1234-5678-9012",
        ARABIC_INDIC,  # \d would accept these
        FULLWIDTH,
    ],
)
def test_account_id_rejects(value: str) -> None:
    assert len(ARABIC_INDIC) == len(FULLWIDTH) == 12
    assert check_account_id(value) is not None


# --- role name ---


@pytest.mark.parametrize("value", ["A", "a" * 64, "OrganizationAccountAccessRole", "Admin_2024"])
def test_role_name_accepts_1_to_64(value: str) -> None:
    assert check_role_name(value) is None


@pytest.mark.parametrize("char", list(NAME_PUNCTUATION))
def test_role_name_accepts_each_allowed_punctuation(char: str) -> None:
    assert check_role_name(f"Role{char}Name") is None
    assert check_role_name(char) is None  # a one-character name of punctuation alone


@pytest.mark.parametrize("value", ["", "a" * 65])
def test_role_name_rejects_0_and_65(value: str) -> None:
    assert check_role_name(value) is not None


@pytest.mark.parametrize("char", [*" !#$%&'()*:;<>?[]^`{|}~\"\\", "é", "١", "\t", "\x00"])
def test_role_name_rejects_disallowed_characters(char: str) -> None:
    assert check_role_name(f"Role{char}Name") is not None


@pytest.mark.parametrize(
    ("value", "path", "name"),
    [
        ("team/ops/Admin", "/team/ops/", "Admin"),
        ("/team/ops/Admin", "/team/ops/", "Admin"),
        ("Admin", "/", "Admin"),
    ],
)
def test_role_name_with_path(value: str, path: str, name: str) -> None:
    assert split_role_name(value) == (path, name)
    assert check_role_name(value) is None


def test_role_name_path_may_use_printable_ascii_but_not_space_or_unicode() -> None:
    assert check_role_name("a!~b/Admin") is None  # "!" to "~" are all allowed in a path
    assert check_role_name("team ops/Admin") is not None
    assert check_role_name("équipe/Admin") is not None
    assert check_role_name("team/Ad min") is not None  # the name part keeps its own rules


def test_role_name_last_segment_is_held_to_64() -> None:
    assert check_role_name("team/" + "a" * 64) is None
    assert check_role_name("team/" + "a" * 65) is not None


def test_role_path_of_512_is_accepted_and_513_rejected() -> None:
    # IAM: Path is 1-512 characters and RoleName 1-64, each on its own.
    path_512 = "p" * 510  # "/" + 510 + "/" = 512
    assert len(split_role_name(f"{path_512}/Admin")[0]) == 512
    assert check_role_name(f"{path_512}/Admin") is None
    assert check_role_name(f"{path_512}/{'a' * 64}") is None
    path_513 = "p" * 511
    assert check_role_name(f"{path_513}/Admin") is not None


def test_role_path_and_name_within_512_accepted() -> None:
    assert check_role_name("p" * 400 + "/" + "a" * 64) is None


# --- role ARN ---


@pytest.mark.parametrize("partition", PARTITIONS)
def test_role_arn_accepts_every_partition(partition: str) -> None:
    assert check_role_arn(f"arn:{partition}:iam::123456789012:role/Admin") is None


def test_partition_list_matches_botocore() -> None:
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "endpoints.json")
    with open(path, encoding="utf-8") as fh:
        known = {p["partition"] for p in json.load(fh)["partitions"]}
    assert set(PARTITIONS) == known


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws-moon:iam::123456789012:role/Admin",  # unknown partition
        "arn:azure:iam::123456789012:role/Admin",
        "arn:aws:iam::12345678901:role/Admin",  # 11-digit account
        "arn:aws:iam::1234567890123:role/Admin",
        f"arn:aws:iam::{ARABIC_INDIC}:role/Admin",
        "arn:aws:iam::123456789012:user/Admin",  # not a role
        "arn:aws:sts::123456789012:role/Admin",  # wrong service
        "arn:aws:iam:eu-west-1:123456789012:role/Admin",  # IAM ARNs have no region
        "arn:aws:iam::123456789012:role/",
        "arn:aws:iam::123456789012:role/" + "a" * 65,
        "arn:aws:iam::123456789012:role/Ad min",
        "arn:aws:iam::123456789012:role/team ops/Admin",
        "arn:aws:iam::123456789012:role/Admin\n",
        "",
    ],
)
def test_role_arn_rejects(value: str) -> None:
    assert check_role_arn(value) is not None


def test_role_arn_with_path() -> None:
    assert check_role_arn("arn:aws:iam::123456789012:role/team/ops/Admin") is None
    assert check_role_arn("arn:aws-us-gov:iam::123456789012:role/a/b/c/" + "n" * 64) is None


def test_role_arn_path_limit_is_512() -> None:
    arn = "arn:aws:iam::123456789012:role/{}/Admin"
    assert check_role_arn(arn.format("p" * 510)) is None  # path "/p…p/" is 512
    assert check_role_arn(arn.format("p" * 511)) is not None


def test_parse_role_arn_gives_the_parts_and_the_profile_role_name() -> None:
    parsed = parse_role_arn("arn:aws-cn:iam::123456789012:role/team/ops/Admin")
    assert parsed == RoleArn("aws-cn", "123456789012", "/team/ops/", "Admin")
    assert parsed.role_name == "team/ops/Admin"
    assert str(parsed) == "arn:aws-cn:iam::123456789012:role/team/ops/Admin"
    assert parse_role_arn("arn:aws:iam::123456789012:role/Admin").role_name == "Admin"


@pytest.mark.parametrize(
    "value", ["", "arn:aws:iam::12345678901:role/Admin", "arn:aws-mars:iam::123456789012:role/A"]
)
def test_parse_role_arn_refuses_what_check_role_arn_refuses(value: str) -> None:
    with pytest.raises(ProfileError) as info:
        parse_role_arn(value)
    assert info.value.errors == {"role_arn": check_role_arn(value)}


def test_a_profile_role_arn_parses_back_to_the_profile() -> None:
    profile = RoleProfile.from_dict(valid_data(role_name="team/Admin", region="cn-north-1"))
    parsed = parse_role_arn(profile.role_arn)
    assert (parsed.partition, parsed.account_id, parsed.role_name) == (
        "aws-cn",
        profile.account_id,
        "team/Admin",
    )


# --- RoleSessionName, ExternalId ---


@pytest.mark.parametrize("value", ["ab", "a" * 64, "xacct-alice", "a+=,.@_-b"])
def test_session_name_accepts(value: str) -> None:
    assert check_session_name(value) is None


@pytest.mark.parametrize("value", ["", "a", "a" * 65, "has space", "José", "a/b", "a:b"])
def test_session_name_rejects(value: str) -> None:
    assert check_session_name(value) is not None


@pytest.mark.parametrize(
    "value", ["ab", "a" * 1224, "urn:org:team/ops", "a+=,.@:/_-b", "DeveloperAccess"]
)
def test_external_id_accepts(value: str) -> None:
    assert check_external_id(value) is None


@pytest.mark.parametrize("value", ["", "a", "a" * 1225, "has space", "a\tb", "José", "a;b", "a#b"])
def test_external_id_rejects(value: str) -> None:
    assert check_external_id(value) is not None


# --- DurationSeconds ---


@pytest.mark.parametrize(
    ("value", "ok"), [(899, False), (900, True), (43200, True), (43201, False)]
)
def test_duration_bounds(value: int, ok: bool) -> None:
    assert (check_duration(value) is None) is ok


@pytest.mark.parametrize(
    ("value", "ok"), [(899, False), (900, True), (3600, True), (3601, False), (43200, False)]
)
def test_chained_duration_bounds(value: int, ok: bool) -> None:
    assert (check_duration(value, chained=True) is None) is ok


def test_chained_duration_message_explains_the_one_hour_limit() -> None:
    message = check_duration(7200, chained=True)
    assert message is not None
    assert "3600" in message and "chain" in message.lower()


# --- MFA ---


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("a" * 8, False),
        ("a" * 9, True),
        ("a" * 256, True),
        ("a" * 257, False),
        ("arn:aws:iam::123456789012:mfa/alice", True),
        ("GAHT12345678", True),  # hardware token serial
        ("arn:aws:iam::123456789012:mfa/al ice", False),
        ("arn:aws:iam::123456789012:mfa/josé", False),
    ],
)
def test_mfa_serial_bounds(value: str, ok: bool) -> None:
    assert (check_mfa_serial(value) is None) is ok


@pytest.mark.parametrize("value", ["123456", "000000", "999999"])
def test_mfa_code_accepts_six_ascii_digits(value: str) -> None:
    assert check_mfa_code(value) is None


@pytest.mark.parametrize(
    "value",
    [
        "12345",
        "1234567",
        "",
        "12345a",
        "abcdef",
        " 23456",
        "123456\n",
        DEVANAGARI_SIX,
        FULLWIDTH[:6],
    ],
)
def test_mfa_code_rejects(value: str) -> None:
    assert check_mfa_code(value) is not None


# --- display name ---


@pytest.mark.parametrize(
    ("value", "ok"), [("", False), ("D", True), ("d" * 64, True), ("d" * 65, False)]
)
def test_display_name_length(value: str, ok: bool) -> None:
    assert (check_display_name(value) is None) is ok


def test_display_name_allows_unicode_and_inner_spaces() -> None:
    assert check_display_name("Prod — José's account") is None
    assert check_display_name("生产") is None


@pytest.mark.parametrize("value", ["Prod\n", "Pr\tod", "Prod\x00", "Prod\x1b[31m", "Pro\u200bd"])
def test_display_name_rejects_non_printable(value: str) -> None:
    assert check_display_name(value) is not None


@pytest.mark.parametrize("value", ["prod", "PROD", "Prod", "pRoD"])
def test_display_name_unique_case_insensitively(value: str) -> None:
    message = check_display_name(value, taken=["Dev", "Prod"])
    assert message is not None and "exists" in message
    assert check_display_name("Production", taken=["Dev", "Prod"]) is None


def test_display_name_uniqueness_uses_casefold() -> None:
    # "STRASSE".casefold() == "strasse" == "straße".casefold(); .lower() would miss it.
    assert check_display_name("STRASSE", taken=["straße"]) is not None


# --- colours ---


@pytest.mark.parametrize("name", ["red", "orange", "yellow", "green", "blue"])
def test_console_colour_names(name: str) -> None:
    assert check_color(name) is None
    assert color_hex(name) == CONSOLE_COLORS[name]


def test_console_palette_is_the_2024_one() -> None:
    assert CONSOLE_COLORS == {
        "red": "#f2b0a9",
        "orange": "#fbc8aa",
        "yellow": "#efda95",
        "green": "#b7ca9d",
        "blue": "#83d4e8",
    }


@pytest.mark.parametrize("value", ["#000000", "#ffffff", "#ABCdef", "#123456"])
def test_hex_colours_accepted(value: str) -> None:
    assert check_color(value) is None
    assert color_hex(value) == value.lower()


@pytest.mark.parametrize(
    "value", ["", "purple", "Red", "#fff", "#fffffff", "#gggggg", "ffffff", "#12345", " #123456"]
)
def test_bad_colours_rejected(value: str) -> None:
    assert check_color(value) is not None


def test_contrast_ratio_reference_values() -> None:
    # WCAG 2: black on white is 21:1, a colour on itself 1:1, #777777 on white ~4.48:1.
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#123456", "#123456") == pytest.approx(1.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def _check_text_colour(background: str) -> None:
    bg = color_hex(background)
    chosen = text_color_for(background)
    assert chosen in ("#000000", "#ffffff")
    other = "#ffffff" if chosen == "#000000" else "#000000"
    assert contrast_ratio(bg, chosen) >= contrast_ratio(bg, other)
    # max(black, white) contrast is at least ~4.58 for any colour, so 4.5 is always reachable.
    assert contrast_ratio(bg, chosen) >= 4.5


@pytest.mark.parametrize("name", list(CONSOLE_COLORS))
def test_text_colour_on_console_colours(name: str) -> None:
    _check_text_colour(name)
    # the pastel console colours all read best with black, as in the console
    assert text_color_for(name) == "#000000"


@pytest.mark.parametrize(
    "value",
    ["#000000", "#ffffff", "#777777", "#123456", "#ff0000", "#0000ff", "#00ff00", "#FFFF00"],
)
def test_text_colour_on_custom_colours(value: str) -> None:
    _check_text_colour(value)


def test_text_colour_extremes() -> None:
    assert text_color_for("#000000") == "#ffffff"
    assert text_color_for("#ffffff") == "#000000"
    assert text_color_for("#777777") == "#000000"  # 4.69 with black vs 4.48 with white


def test_text_colour_over_a_colour_grid() -> None:
    steps = range(0, 256, 17)
    for r, g, b in itertools.product(steps, steps, steps):
        _check_text_colour(f"#{r:02x}{g:02x}{b:02x}")


# --- session names ---


@pytest.mark.parametrize(
    "raw",
    ["", "a", "José", "John Smith", "x" * 100, "DOMAIN\\user", "用户", "a b", "\udcff", "ab"],
)
def test_sanitise_session_name_is_always_valid(raw: str) -> None:
    assert check_session_name(sanitise_session_name(raw)) is None


def test_sanitise_session_name_keeps_valid_names() -> None:
    assert sanitise_session_name("xacct-alice") == "xacct-alice"
    assert sanitise_session_name("a+=,.@_-b") == "a+=,.@_-b"
    assert len(sanitise_session_name("x" * 100)) == 64


@pytest.mark.parametrize(
    "user", ["alice", "José", "John Smith", "", "a", "u" * 100, "CORP\\bob", "用户"]
)
def test_default_session_name_for_awkward_users(monkeypatch: pytest.MonkeyPatch, user: str) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: user)
    name = default_session_name()
    assert check_session_name(name) is None
    assert name.startswith("xacct-")


def test_default_session_name_plain_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    assert default_session_name() == "xacct-alice"


def test_default_session_name_without_user(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_user() -> str:
        raise OSError("No username set in the environment")

    monkeypatch.setattr("getpass.getuser", no_user)
    name = default_session_name()
    assert check_session_name(name) is None
    assert name.startswith("xacct-")


# --- partitions and regions ---


def _botocore_regions() -> list[tuple[str, str]]:
    path = os.path.join(os.path.dirname(botocore.__file__), "data", "endpoints.json")
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return [(p["partition"], region) for p in data["partitions"] for region in p["regions"]]


@pytest.mark.parametrize(("partition", "region"), _botocore_regions())
def test_every_botocore_region_is_valid_and_maps_to_its_partition(
    partition: str, region: str
) -> None:
    assert partition_for_region(region) == partition
    assert check_region(region) is None, region


@pytest.mark.parametrize(
    "value", ["", "eu-west", "EU-WEST-1", "euwest1", "eu-west-1 ", "eu-west-123"]
)
def test_region_rejects(value: str) -> None:
    assert check_region(value) is not None


# --- RoleProfile ---


def test_from_dict_round_trip() -> None:
    data = valid_data(
        mfa_serial="arn:aws:iam::111111111111:mfa/alice",
        session_name="me-here",
        duration_seconds=3600,
    )
    profile = RoleProfile.from_dict(data)
    assert profile.to_dict() == data
    assert RoleProfile.from_dict(profile.to_dict()) == profile


def test_from_dict_defaults() -> None:
    profile = RoleProfile.from_dict(
        {"name": "Min", "account_id": "123456789012", "role_name": "Admin"}
    )
    assert profile.source_profile == "default"
    assert profile.color == "blue"
    assert profile.external_id is None and profile.region is None
    assert RoleProfile.from_dict(profile.to_dict()) == profile


def test_unknown_keys_are_kept() -> None:
    data = valid_data(favourite=True, notes={"owner": "ops"})
    profile = RoleProfile.from_dict(data)
    out = profile.to_dict()
    assert out["favourite"] is True
    assert out["notes"] == {"owner": "ops"}
    assert RoleProfile.from_dict(out).to_dict() == out


def test_profile_role_arn_with_path() -> None:
    profile = RoleProfile.from_dict(valid_data(role_name="team/ops/Admin", region=None))
    assert profile.role_arn == "arn:aws:iam::222222222222:role/team/ops/Admin"
    assert check_role_arn(profile.role_arn) is None


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("cn-north-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("eusc-de-east-1", "aws-eusc"),
        ("eu-west-1", "aws"),
        (None, "aws"),
    ],
)
def test_role_arn_partition_follows_region(region: str | None, partition: str) -> None:
    profile = RoleProfile.from_dict(valid_data(region=region))
    assert profile.role_arn == f"arn:{partition}:iam::222222222222:role/DeveloperAccess"


def test_label_and_banner() -> None:
    profile = RoleProfile.from_dict(
        valid_data(name="Prod", account_id="123456789012", role_name="Admin")
    )
    assert profile.label == "Prod — 123456789012 (Admin)"
    assert profile.banner_text == "Prod @ 123456789012"


def test_effective_session_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "alice")
    assert RoleProfile.from_dict(valid_data()).effective_session_name == "xacct-alice"
    chosen = RoleProfile.from_dict(valid_data(session_name="mine"))
    assert chosen.effective_session_name == "mine"


def test_from_dict_reports_every_bad_field() -> None:
    data = valid_data(
        name="",
        account_id="12345",
        role_name="bad role",
        external_id="x",
        color="purple",
        region="moon-1",
        mfa_serial="short",
        session_name="a",
        duration_seconds=60,
    )
    with pytest.raises(ProfileError) as info:
        RoleProfile.from_dict(data)
    assert set(info.value.errors) == {
        "name",
        "account_id",
        "role_name",
        "external_id",
        "color",
        "region",
        "mfa_serial",
        "session_name",
        "duration_seconds",
    }
    assert all(info.value.errors.values())


def test_from_dict_names_the_profile_in_the_error() -> None:
    with pytest.raises(ProfileError) as info:
        RoleProfile.from_dict(valid_data(name="Prod", account_id="1"))
    assert info.value.name == "Prod"
    assert "Prod" in str(info.value) and "account_id" in str(info.value)


def test_from_dict_rejects_taken_name() -> None:
    with pytest.raises(ProfileError) as info:
        RoleProfile.from_dict(valid_data(name="dev"), taken_names=["Dev"])
    assert set(info.value.errors) == {"name"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("name", 42),
        ("name", ["Dev"]),
        ("account_id", 222222222222),
        ("role_name", None),
        ("external_id", 12345),
        ("source_profile", 1),
        ("color", 0xFF0000),
        ("region", ["eu-west-1"]),
        ("mfa_serial", {"serial": "x"}),
        ("session_name", 3.5),
        ("duration_seconds", "3600"),
        ("duration_seconds", True),
        ("duration_seconds", False),
        ("duration_seconds", 3600.0),
    ],
)
def test_wrong_json_types_give_field_errors(key: str, value: Any) -> None:
    data = valid_data(**{key: value})
    errors = validate_fields(data)
    assert set(errors) == {key}
    with pytest.raises(ProfileError) as info:
        RoleProfile.from_dict(data)
    assert set(info.value.errors) == {key}


def test_duration_in_profile_bounds() -> None:
    assert "duration_seconds" in validate_fields(valid_data(duration_seconds=899))
    assert "duration_seconds" in validate_fields(valid_data(duration_seconds=43201))
    assert validate_fields(valid_data(duration_seconds=900)) == {}
    assert validate_fields(valid_data(duration_seconds=43200)) == {}


def test_profile_is_hashable_and_compares_by_fields() -> None:
    a = RoleProfile.from_dict(valid_data(extra_key=1))
    b = RoleProfile.from_dict(valid_data(extra_key=2))
    assert a == b and hash(a) == hash(b)
    assert a.replace(color="red") != a
