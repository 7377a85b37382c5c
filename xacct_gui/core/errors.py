"""Turn botocore exceptions into sentences a user can act on.

Every failure the app shows goes through :func:`to_user_error`, so no
traceback or raw error code ever reaches the window or the terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    CredentialRetrievalError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    ProxyConnectionError,
    ReadTimeoutError,
    SSLError,
)

Operation = Literal["assume", "list"]


class XacctError(Exception):
    """An error whose ``str()`` is the message a user reads."""


class ProfileFileError(XacctError):
    """The profile file cannot be read or written."""


@dataclass(frozen=True)
class AwsContext:
    """What the error mapping needs to name: the role, the source and the files searched."""

    role_arn: str = ""
    source_profile: str = ""
    region: str = ""
    config_files: tuple[str, ...] = ()
    mfa: bool = False


class AwsError(XacctError):
    """A failed AWS call; ``code`` is AWS's error code (or the exception's name)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _files(ctx: AwsContext) -> str:
    return " and ".join(ctx.config_files) if ctx.config_files else "the AWS config files"


def _assume_denied(ctx: AwsContext) -> str:
    text = (
        f"Not allowed to assume {ctx.role_arn}. Check that the source user has "
        f"sts:AssumeRole on that role ARN, that the role's trust policy names the source "
        f"account, and that the ExternalId is right (or present, if the role requires one)"
    )
    if ctx.mfa:
        return text + ". This profile uses MFA: a wrong or expired MFA code also causes this."
    return text + ", or MFA is required by the role."


def _client_error_message(code: str, aws_text: str, op: Operation, ctx: AwsContext) -> str:
    if code in ("AccessDenied", "AccessDeniedException", "AccessDeniedError"):
        if op == "assume":
            return _assume_denied(ctx)
        return (
            "The role was assumed, but it may not list buckets: it has no "
            "s3:ListAllMyBuckets permission."
        )
    if code == "InvalidClientTokenId":
        return (
            f"The source access key of profile '{ctx.source_profile}' does not exist: "
            "it was deleted or mistyped."
        )
    if code == "RequestTimeTooSkewed" or (
        code == "SignatureDoesNotMatch"
        # clock behind: "Signature expired: ..."; clock ahead: "Signature not yet current: ..."
        and any(s in aws_text.lower() for s in ("expired", "not yet current"))
    ):
        return (
            "AWS rejected the request's time stamp: this computer's clock is off. "
            "Set the date and time automatically and try again."
        )
    if code == "SignatureDoesNotMatch":
        return (
            f"The secret access key of profile '{ctx.source_profile}' is wrong: "
            "AWS could not verify the request's signature."
        )
    if code in ("ExpiredToken", "ExpiredTokenException", "RequestExpired"):
        return (
            "The session expired. The app assumes the role again on its own; "
            "if the source credentials themselves expired, sign in again."
        )
    if code == "RegionDisabledException":
        return (
            f"STS is not enabled in region {ctx.region or '(unknown)'} for this account. "
            "Enable the region in the account settings or choose another region for the profile."
        )
    if code == "ValidationError" and "duration" in aws_text.lower():
        return (
            "The requested session duration exceeds the role's maximum session duration "
            "(1 hour when chaining roles). Lower the profile's duration."
        )
    if code in ("Throttling", "ThrottlingException", "TooManyRequestsException"):
        return "AWS is throttling requests right now. Wait a moment and try again."
    detail = f": {aws_text}" if aws_text else ""
    what = "assume the role" if op == "assume" else "list the buckets"
    return f"AWS refused to {what} ({code}){detail}"


def to_user_error(exc: BaseException, op: Operation, ctx: AwsContext) -> AwsError:
    """Map any exception raised by a botocore call to an :class:`AwsError`."""
    if isinstance(exc, AwsError):
        return exc
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        return AwsError(_client_error_message(code, str(error.get("Message", "")), op, ctx), code)
    name = type(exc).__name__
    if isinstance(exc, ProfileNotFound | NoCredentialsError | PartialCredentialsError):
        return AwsError(
            f"The source profile '{ctx.source_profile}' is missing or has no credentials. "
            f"Searched {_files(ctx)}.",
            name,
        )
    if isinstance(exc, CredentialRetrievalError):
        return AwsError(
            f"Could not get credentials for source profile '{ctx.source_profile}': {exc}", name
        )
    if isinstance(
        exc,
        EndpointConnectionError
        | ConnectTimeoutError
        | ReadTimeoutError
        | ConnectionClosedError
        | ProxyConnectionError
        | SSLError,
    ):
        return AwsError(
            "Cannot reach AWS. Check that you are online, the proxy settings, and any "
            f"custom endpoint. ({exc})",
            name,
        )
    if isinstance(exc, NoRegionError):
        return AwsError("No AWS region is set: give the profile a region.", name)
    if isinstance(exc, BotoCoreError):
        return AwsError(f"The AWS call failed: {exc}", name)
    if isinstance(exc, OSError):
        return AwsError(f"Cannot reach AWS ({exc}).", name)
    return AwsError(f"Unexpected error ({name}): {exc}", name)
