"""The round-trip INI reader: botocore's reading of the AWS config file, every byte kept."""

from __future__ import annotations

import configparser
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xacct_gui.core.ini import (
    apply_edits,
    cli_profile_name,
    parse_ini,
    remove_entry,
    replace_value,
    split_lines,
)

MIXED = Path(__file__).resolve().parent.parent / "fixtures" / "aws_config_mixed.ini"

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fixture_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def test_split_lines_keeps_every_ending() -> None:
    assert split_lines("a\nb\r\nc\rd") == ["a\n", "b\r\n", "c\r", "d"]
    assert split_lines("") == []
    assert split_lines("only\n") == ["only\n"]
    # Form feeds and Unicode separators are not line ends in a text file.
    assert split_lines("a\x0cb\u2028c\n") == ["a\x0cb\u2028c\n"]


@given(st.text())
@FUZZ
def test_split_lines_joins_back_to_the_text(text: str) -> None:
    assert "".join(split_lines(text)) == text


def test_parse_ini_reads_sub_sections_and_comments_like_configparser() -> None:
    text = fixture_text(MIXED)
    document = parse_ini(text)
    dev = next(s for s in document.sections if s.header == "profile Dev")
    values = dev.values()
    assert values["s3"] == "\naddressing_style = path\nsignature_version = s3v4"
    assert values["cli_pager"] == ""
    assert values["role_arn"] == "arn:aws:iam::222222222222:role/DeveloperAccess"
    prod = next(s for s in document.sections if s.header == "profile   Prod")
    assert prod.values()["role_arn"] == "arn:aws:iam::444444444444:role/Admin"  # "key : value"
    test = next(s for s in document.sections if s.header == "profile Test")
    assert test.values()["mfa_serial"] == "arn:aws:iam::111111111111:mfa/alice"


KEYS = st.builds(
    "{}{}".format,
    st.sampled_from(["role_arn", "source_profile", "region", "s3", "Output", "x"]),
    st.sampled_from(["", "", "1", "2", "_b", "3"]),
)
VALUES = st.text(alphabet=string.ascii_letters + string.digits + " :=/#;-", max_size=12)
LINE = st.one_of(
    st.builds(
        lambda h: f"[{h}]",
        st.sampled_from(["default", "profile a", "profile b", "x", "profile  c", "DEFAULT"]),
    ),
    st.builds(
        lambda indent, k, sep, v: f"{indent}{k}{sep}{v}",
        st.sampled_from(["", "", " ", "\t", "    "]),
        KEYS,
        st.sampled_from(["=", " = ", ":", " : ", "="]),
        VALUES,
    ),
    st.sampled_from(["", "   ", "# comment", "; comment", "  # indented comment"]),
)


@given(st.lists(LINE, max_size=14), st.sampled_from(["\n", "\r\n"]))
@FUZZ
def test_parse_ini_agrees_with_configparser(lines: list[str], newline: str) -> None:
    """Whatever configparser (as botocore uses it) accepts, parse_ini reads the same."""
    text = newline.join(["[profile first]", *lines]) + newline
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(text.replace("\r\n", "\n"))
    except configparser.Error:
        return  # botocore refuses the file; parse_ini only has to survive it (below)
    document = parse_ini(text)
    defaults = document.defaults()
    ours = {
        s.header: {**defaults, **s.values()} for s in document.sections if s.header != "DEFAULT"
    }
    theirs = {name: dict(parser.items(name)) for name in parser.sections()}
    assert ours == theirs
    assert defaults == dict(parser.defaults())


@given(st.text())
@FUZZ
def test_parse_ini_never_raises(text: str) -> None:
    document = parse_ini(text)
    assert "".join(document.lines) == text


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("default", "default"),
        ("profile Dev", "Dev"),
        ("profile   Dev", "Dev"),
        ('profile "Shared Services"', "Shared Services"),
        ("profile", None),
        ("profile a b", None),
        ('profile "unbalanced', None),
        ("sso-session corp", None),
        ("services local", None),
        ("Dev", None),
        ("DEFAULT", None),
    ],
)
def test_cli_profile_name_follows_botocore(header: str, name: str | None) -> None:
    assert cli_profile_name(header) == name


# --- writing ---


def test_a_rewritten_value_keeps_the_key_spacing_and_line_ending() -> None:
    text = "[profile Dev]\r\n  Region :  eu-west-1\r\noutput = json\r\n"
    document = parse_ini(text)
    region, output = document.sections[0].entries
    edits = [replace_value(document.lines, region, "us-east-1", "\n"), remove_entry(output)]
    assert apply_edits(document.lines, edits) == "[profile Dev]\r\n  Region :  us-east-1\r\n"


def test_removing_an_entry_takes_its_continuation_lines() -> None:
    text = "[default]\ns3 =\n  addressing_style = path\nregion = eu-west-1\n"
    document = parse_ini(text)
    s3 = document.sections[0].entries[0]
    assert apply_edits(document.lines, [remove_entry(s3)]) == "[default]\nregion = eu-west-1\n"


def test_no_edits_give_the_text_back_byte_for_byte() -> None:
    text = fixture_text(MIXED)
    assert apply_edits(parse_ini(text).lines, []) == text
