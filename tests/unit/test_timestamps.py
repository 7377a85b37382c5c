"""The fast timestamp parser gives what botocore's own gives, for every form AWS uses."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import botocore.session
import pytest
from botocore.utils import parse_timestamp
from hypothesis import given
from hypothesis import strategies as st

from xacct_gui.core.timestamps import parse_aws_timestamp, use_fast_timestamps

AWS_FORMS = [
    "2024-05-01T12:34:56.000Z",  # S3 CreationDate, STS Expiration
    "2024-05-01T12:34:56Z",
    "2024-05-01T12:34:56.123456Z",
    "2024-05-01T12:34:56+02:00",
    "2024-05-01T12:34:56.500-05:30",
]
OTHER_FORMS = [
    "1714566896",  # epoch seconds
    "1714566896.25",
    "Wed, 01 May 2024 12:34:56 GMT",  # RFC 822 (headers)
    "2024-05-01T12:34:56",  # no offset: botocore's parser decides
    "2024-05-01",
    1714566896,
]


@pytest.mark.parametrize("value", AWS_FORMS + OTHER_FORMS)
def test_the_same_instant_as_botocores_parser(value: object) -> None:
    ours, theirs = parse_aws_timestamp(value), parse_timestamp(value)
    assert ours == theirs
    assert (ours.tzinfo is None) == (theirs.tzinfo is None)
    assert ours.utcoffset() == theirs.utcoffset()


@pytest.mark.parametrize("value", AWS_FORMS)
def test_aws_forms_are_read_without_dateutil(value: str) -> None:
    assert isinstance(parse_aws_timestamp(value).tzinfo, timezone)  # datetime's own


def test_a_broken_value_fails_as_botocore_fails() -> None:
    for value in ("2024-13-45T99:99:99Z", "not a time"):
        with pytest.raises(ValueError):
            parse_timestamp(value)
        with pytest.raises(ValueError):
            parse_aws_timestamp(value)


@given(
    st.datetimes(
        min_value=datetime(1971, 1, 1),
        max_value=datetime(2099, 12, 31),
        timezones=st.sampled_from(
            [timezone.utc, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
        ),
    ),
    st.sampled_from(["milliseconds", "seconds", "microseconds"]),
)
def test_any_aws_formatted_time_reads_back(when: datetime, precision: str) -> None:
    text = when.isoformat(timespec=precision)
    if when.utcoffset() == timedelta(0):
        text = text.replace("+00:00", "Z")
    assert parse_aws_timestamp(text) == parse_timestamp(text)


def test_a_session_made_fast_gives_its_clients_the_parser() -> None:
    session = botocore.session.Session()
    use_fast_timestamps(session)
    factory = session.get_component("response_parser_factory")
    parser = factory.create_parser("rest-xml")
    assert parser._timestamp_parser is parse_aws_timestamp  # what S3 responses go through
