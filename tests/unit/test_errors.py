"""Every message a user reads for a failed AWS call (see "Errors" in docs/architecture.md),
built from real botocore errors.

The AWS messages used below are the texts STS and S3 actually return for these codes.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ProfileNotFound,
    ReadTimeoutError,
)

from xacct_gui.core.errors import AwsContext, AwsError, to_user_error

ROLE_ARN = "arn:aws:iam::222222222222:role/DeveloperAccess"
FILES = ("/home/alice/.aws/config", "/home/alice/.aws/credentials")
CTX = AwsContext(
    role_arn=ROLE_ARN, source_profile="corp-sso", region="ap-southeast-3", config_files=FILES
)
STS_URL = "https://sts.ap-southeast-3.amazonaws.com"


def client_error(code: str, message: str, operation: str, status: int = 403) -> ClientError:
    # Shaped like botocore's parsed query-protocol error (STS) and REST-XML error (S3).
    response: Any = {
        "Error": {"Code": code, "Message": message, "Type": "Sender"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    return ClientError(response, operation)


def assume_error(code: str, message: str, status: int = 403) -> ClientError:
    return client_error(code, message, "AssumeRole", status)


def list_error(code: str, message: str, status: int = 403) -> ClientError:
    return client_error(code, message, "ListBuckets", status)


def user_message(exc: BaseException, op: str = "assume", ctx: AwsContext = CTX) -> str:
    error = to_user_error(exc, op, ctx)  # type: ignore[arg-type]
    assert isinstance(error, AwsError)
    text = str(error)
    assert "Traceback" not in text
    assert text.strip() == text and text
    return text


def assert_contains(text: str, *words: str) -> None:
    lowered = text.lower()
    missing = [w for w in words if w.lower() not in lowered]
    assert not missing, f"{missing} not in {text!r}"


# --- AccessDenied ---

ASSUME_DENIED = (
    "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: "
    f"sts:AssumeRole on resource: {ROLE_ARN}"
)


def test_access_denied_on_assume_role() -> None:
    text = user_message(assume_error("AccessDenied", ASSUME_DENIED))
    assert_contains(text, ROLE_ARN, "sts:AssumeRole", "trust policy", "ExternalId", "MFA")
    assert to_user_error(assume_error("AccessDenied", ASSUME_DENIED), "assume", CTX).code == (
        "AccessDenied"
    )


def test_access_denied_on_assume_role_with_mfa_profile_mentions_the_code() -> None:
    ctx = AwsContext(role_arn=ROLE_ARN, source_profile="default", mfa=True)
    text = user_message(assume_error("AccessDenied", ASSUME_DENIED), ctx=ctx)
    assert_contains(text, "sts:AssumeRole", "trust policy", "ExternalId", "MFA code")


def test_access_denied_on_list_buckets() -> None:
    text = user_message(list_error("AccessDenied", "Access Denied"), op="list")
    assert_contains(text, "s3:ListAllMyBuckets")
    assert "sts:AssumeRole" not in text  # the role *was* assumed; don't blame the trust policy


# --- source credentials ---


def test_invalid_client_token_id() -> None:
    text = user_message(
        assume_error(
            "InvalidClientTokenId", "The security token included in the request is invalid."
        )
    )
    assert_contains(text, "does not exist", "corp-sso")


def test_signature_does_not_match_wrong_secret() -> None:
    text = user_message(
        assume_error(
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method.",
        )
    )
    assert_contains(text, "secret", "corp-sso")
    assert "clock" not in text.lower()


def test_signature_expired_means_the_clock_is_off() -> None:
    text = user_message(
        assume_error(
            "SignatureDoesNotMatch",
            "Signature expired: 20240101T000000Z is now earlier than 20240101T001000Z "
            "(20240101T002500Z - 15 min.)",
        )
    )
    assert_contains(text, "clock")
    assert "secret" not in text.lower()


def test_signature_not_yet_current_means_the_clock_is_off() -> None:
    # The other side of clock skew (the computer's clock runs ahead): same code, and the
    # message holds no "expired". Blaming the secret key here sends the user the wrong way.
    text = user_message(
        assume_error(
            "SignatureDoesNotMatch",
            "Signature not yet current: 20240101T010000Z is still later than "
            "20240101T002500Z (20240101T001000Z + 15 min.)",
        )
    )
    assert_contains(text, "clock")
    assert "secret" not in text.lower()


def test_s3_request_time_too_skewed_means_the_clock_is_off() -> None:
    # S3's own code for the same clock problem on ListBuckets.
    text = user_message(
        list_error(
            "RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.",
        ),
        op="list",
    )
    assert_contains(text, "clock")


# --- expiry, region, duration ---


@pytest.mark.parametrize(
    ("error", "op"),
    [
        (
            assume_error("ExpiredToken", "The security token included in the request is expired"),
            "assume",
        ),
        (list_error("ExpiredToken", "The provided token has expired.", 400), "list"),
    ],
)
def test_expired_token(error: ClientError, op: str) -> None:
    text = user_message(error, op=op)
    assert_contains(text, "expired")
    assert to_user_error(error, op, CTX).code == "ExpiredToken"  # type: ignore[arg-type]


def test_region_disabled_names_the_region() -> None:
    text = user_message(
        assume_error(
            "RegionDisabledException",
            "STS is not activated in this region for account:111111111111. Your account "
            "administrator can activate STS in this region using the IAM Console.",
        )
    )
    assert_contains(text, "ap-southeast-3", "STS", "not enabled")


@pytest.mark.parametrize(
    "aws_text",
    [
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
        "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
        "by role chaining.",
    ],
)
def test_validation_error_duration(aws_text: str) -> None:
    text = user_message(assume_error("ValidationError", aws_text, 400))
    assert_contains(text, "duration", "maximum", "1 hour")


def test_other_validation_error_is_not_called_a_duration_problem() -> None:
    text = user_message(
        assume_error(
            "ValidationError",
            "1 validation error detected: Value 'a b' at 'roleSessionName' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
            400,
        )
    )
    assert "maximum" not in text
    assert "roleSessionName" in text


# --- missing source profile ---


def test_profile_not_found_names_profile_and_files() -> None:
    text = user_message(ProfileNotFound(profile="corp-sso"))
    assert_contains(text, "corp-sso", *FILES)


@pytest.mark.parametrize(
    "exc",
    [
        NoCredentialsError(),
        PartialCredentialsError(
            provider="shared-credentials-file", cred_var="aws_secret_access_key"
        ),
    ],
)
def test_no_credentials_names_profile_and_files(exc: Exception) -> None:
    text = user_message(exc)
    assert_contains(text, "corp-sso", *FILES)


# --- network ---


@pytest.mark.parametrize(
    "exc",
    [
        EndpointConnectionError(endpoint_url=STS_URL),
        ConnectTimeoutError(endpoint_url=STS_URL),
        ReadTimeoutError(endpoint_url=STS_URL),
    ],
)
@pytest.mark.parametrize("op", ["assume", "list"])
def test_network_errors_say_cannot_reach_aws(exc: Exception, op: str) -> None:
    text = user_message(exc, op=op)
    assert text.startswith("Cannot reach AWS")
    assert to_user_error(exc, op, CTX).code == type(exc).__name__  # type: ignore[arg-type]


# --- general guarantees ---


def test_unknown_client_error_keeps_code_and_aws_text() -> None:
    text = user_message(assume_error("PackedPolicyTooLarge", "Packed policy consumes 120%", 400))
    assert_contains(text, "PackedPolicyTooLarge", "Packed policy consumes 120%")


def test_unexpected_exception_has_no_traceback() -> None:
    def boom() -> None:
        raise RuntimeError("kaboom")

    try:
        boom()
    except RuntimeError as exc:
        text = user_message(exc)
    # The type only: an unexpected exception's text was never vetted for secrets.
    assert_contains(text, "RuntimeError")
    assert "kaboom" not in text


def test_aws_error_passes_through() -> None:
    original = AwsError("already explained", "X")
    assert to_user_error(original, "assume", CTX) is original


def test_client_error_without_error_block() -> None:
    text = user_message(ClientError({}, "AssumeRole"))
    assert text


def test_a_response_parser_error_never_echoes_the_body() -> None:
    from botocore.parsers import ResponseParserError

    body = "<AssumeRoleResponse><SecretAccessKey>wJalrSECRET</SecretAccessKey>" + "x" * 10_000
    text = user_message(ResponseParserError(f"Unable to parse response: {body}"))
    assert "wJalrSECRET" not in text
    assert_contains(text, "cannot read")


def test_every_message_is_capped() -> None:
    from xacct_gui.core.errors import MAX_MESSAGE_CHARS

    text = user_message(assume_error("Weird", "y" * 4_000_000, status=400))
    assert len(text) <= MAX_MESSAGE_CHARS
    assert text.endswith("…")


def _sso_errors() -> list[Exception]:
    import botocore.exceptions as be

    return [
        be.SSOTokenLoadError(error_msg="Token for corp does not exist"),
        be.UnauthorizedSSOTokenError(),
        be.TokenRetrievalError(provider="sso", error_msg="refresh failed"),
    ]


@pytest.mark.parametrize("error", _sso_errors(), ids=lambda e: type(e).__name__)
def test_identity_center_states_say_how_to_sign_in(error: Exception) -> None:
    text = user_message(error)
    assert_contains(text, "aws sso login --profile corp-sso", "Identity Center")
    assert "Error loading SSO Token" not in text
