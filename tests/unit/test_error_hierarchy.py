"""One hierarchy: every error the app raises on purpose is an ``XacctError``.

A background job may raise any of them; the worker catches ``XacctError`` and
shows ``str(exc)``, so each must carry its message and a ``code``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xacct_gui.core.errors import (
    AwsError,
    Cancelled,
    ConfigWriteError,
    ExportError,
    FederationError,
    ImportSourceError,
    LocalFileError,
    MfaCodeRequired,
    ProfileError,
    ProfileFileError,
    SignInKeyError,
    XacctError,
)
from xacct_gui.core.importers import read_text_file
from xacct_gui.core.profiles import RoleProfile

SIMPLE = (
    ProfileFileError,
    ImportSourceError,
    ConfigWriteError,
    SignInKeyError,
    ExportError,
    Cancelled,
)


@pytest.mark.parametrize("cls", SIMPLE)
def test_each_error_is_an_xacct_error_with_its_message_and_code(cls: type[XacctError]) -> None:
    error = cls("Something the user can act on.")
    assert isinstance(error, XacctError)
    assert str(error) == "Something the user can act on."
    assert error.code == cls.__name__


@pytest.mark.parametrize("cls", [ProfileFileError, ImportSourceError, ConfigWriteError])
def test_file_errors_share_one_group(cls: type[XacctError]) -> None:
    assert issubclass(cls, LocalFileError)


def test_profile_error_is_an_xacct_error_and_still_a_value_error() -> None:
    error = ProfileError({"account_id": "An account ID is exactly 12 digits."}, name="Dev")
    assert isinstance(error, XacctError)
    assert isinstance(error, ValueError)
    assert str(error) == "Profile 'Dev': account_id: An account ID is exactly 12 digits."
    assert error.errors == {"account_id": "An account ID is exactly 12 digits."}
    assert error.code == "ProfileError"


def test_mfa_code_required_is_an_aws_error_naming_the_device() -> None:
    error = MfaCodeRequired("arn:aws:iam::111111111111:mfa/alice")
    assert isinstance(error, AwsError)
    assert isinstance(error, XacctError)
    assert str(error) == "Enter the 6-digit code of MFA device arn:aws:iam::111111111111:mfa/alice."
    assert error.code == "MfaCodeRequired"
    assert error.serial == "arn:aws:iam::111111111111:mfa/alice"


@pytest.mark.parametrize("cls", [AwsError, FederationError])
def test_errors_given_a_code_keep_it(cls: type[AwsError] | type[FederationError]) -> None:
    error = cls("AWS said no.", "AccessDenied")
    assert isinstance(error, XacctError)
    assert str(error) == "AWS said no."
    assert error.code == "AccessDenied"


def run_job(job: object) -> tuple[str, str]:
    """What the worker does with a failed job: catch ``XacctError``, keep text and code."""
    try:
        assert callable(job)
        job()
    except XacctError as exc:
        return str(exc), exc.code
    return "", ""


def test_errors_raised_by_core_code_are_caught_as_xacct_error(tmp_path: Path) -> None:
    text, code = run_job(lambda: read_text_file(tmp_path / "missing", what="AWS config file"))
    assert text == f"There is no AWS config file at {tmp_path / 'missing'}."
    assert code == "ImportSourceError"
    text, code = run_job(lambda: RoleProfile.from_dict({"name": "Dev"}))
    assert text.startswith("Profile 'Dev': account_id: ")
    assert code == "ProfileError"
