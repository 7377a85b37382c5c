"""Every error the app raises on purpose, and the one mapping from botocore's.

All of them derive from :class:`XacctError`: ``str()`` is the sentence a user
reads and ``code`` a stable name for logs and tests. The groups:

* :class:`AwsError` (with :class:`MfaCodeRequired`): an AWS call failed or
  cannot start; ``code`` is AWS's error code or the botocore exception's name.
* :class:`LocalFileError`: a file on this computer cannot be read or written
  (:class:`ProfileFileError`, :class:`ImportSourceError`,
  :class:`ConfigWriteError`).
* :class:`ProfileError`: a profile's fields are invalid.
* :class:`SignInKeyError`, :class:`FederationError`, :class:`ExportError`:
  sign-in keys, the console link and the shell exports.
* :class:`Cancelled`: a newer request made this one pointless.

Every failure of a botocore call goes through :func:`to_user_error`, so no
traceback or raw error code ever reaches the window or the terminal. See
"Errors" in docs/architecture.md.
"""

from __future__ import annotations

from collections.abc import Mapping
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
    SSOError,
    SSOTokenLoadError,
    TokenRetrievalError,
    UnauthorizedSSOTokenError,
)
from botocore.parsers import ResponseParserError

Operation = Literal["assume", "list"]

# Every message a user reads is at most this long (the one place that caps them): an
# endpoint controls the text of its errors, and a 4 MB message froze the error banner
# for 40 s while it word-wrapped. The longest message the app writes itself is ~450.
MAX_MESSAGE_CHARS = 600


def cap_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters (ending in "…" when cut)."""
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


# The code of an Identity Center role whose session cannot be renewed: the window
# answers it with a "Sign in" banner, a headless command with one line.
SSO_SIGN_IN_NEEDED = "SsoSignInNeeded"


class XacctError(Exception):
    """An error whose ``str()`` is the message a user reads.

    ``code`` names the kind of failure: the class's own name unless the error
    is given one (AWS's error code, for instance).
    """

    code: str = "XacctError"

    def __init__(self, message: str = "", code: str | None = None) -> None:
        super().__init__(cap_message(message))
        if code is not None:
            self.code = code


# --- AWS ---


class AwsError(XacctError):
    """A failed AWS call; ``code`` is AWS's error code (or the exception's name)."""

    code = "AwsError"

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code)


class MfaCodeRequired(AwsError):
    """The profile has an MFA serial and no code was given; ask the user for one."""

    code = "MfaCodeRequired"

    def __init__(self, serial: str) -> None:
        super().__init__(f"Enter the 6-digit code of MFA device {serial}.", "MfaCodeRequired")
        self.serial = serial


# --- files on this computer ---


class LocalFileError(XacctError):
    """A file on this computer cannot be read or written."""

    code = "LocalFileError"


class ProfileFileError(LocalFileError):
    """The profile file cannot be read or written."""

    code = "ProfileFileError"


class ImportSourceError(LocalFileError):
    """A file to import cannot be read."""

    code = "ImportSourceError"


class ConfigWriteError(LocalFileError):
    """The AWS config file cannot be written."""

    code = "ConfigWriteError"


# --- what the user entered or stored ---


class ProfileError(XacctError, ValueError):
    """A profile's fields are invalid; ``errors`` maps field name to message.

    Also a ``ValueError``, so code that catches bad input as one still catches it.
    """

    code = "ProfileError"

    def __init__(self, errors: Mapping[str, str], name: str = "") -> None:
        self.errors = dict(errors)
        self.name = name
        detail = "; ".join(f"{key}: {msg}" for key, msg in self.errors.items())
        prefix = f"Profile {name!r}: " if name else ""
        super().__init__(prefix + detail)


class SignInKeyError(XacctError):
    """A sign-in key could not be stored, found or removed."""

    code = "SignInKeyError"


class FederationError(XacctError):
    """The console link could not be made; ``code`` says why, for tests."""

    code = "FederationError"

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, code)


class ExportError(XacctError):
    """The credentials cannot be written safely for that shell."""

    code = "ExportError"


# --- flow ---


class Cancelled(XacctError):
    """The caller no longer wants this result (a newer switch started)."""

    code = "Cancelled"


@dataclass(frozen=True)
class AwsContext:
    """What the error mapping needs to name: the role, the source and the files searched."""

    role_arn: str = ""
    source_profile: str = ""
    region: str = ""
    config_files: tuple[str, ...] = ()
    mfa: bool = False


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


def _missing_program(exc: BaseException, ctx: AwsContext) -> AwsError | None:
    """A ``credential_process`` program that cannot be started, named.

    botocore starts the program without catching the OSError, which is neither a
    network error nor an AWS one: say which program, not "Cannot reach AWS".
    """
    if not isinstance(exc, FileNotFoundError | PermissionError | NotADirectoryError):
        return None
    program = exc.filename if isinstance(exc.filename, str) else ""
    if not program:
        return None
    why = (
        "cannot be run (permission denied)"
        if isinstance(exc, PermissionError)
        else ("is not installed or not on PATH")
    )
    return AwsError(
        f"The source profile '{ctx.source_profile}' gets its credentials from the program "
        f"{program!r} (credential_process), which {why}. Install it or fix credential_process "
        f"in {_files(ctx)}.",
        "CredentialProcessNotFound",
    )


def to_user_error(exc: BaseException, op: Operation, ctx: AwsContext) -> AwsError:
    """Map any exception raised by a botocore call to an :class:`AwsError`."""
    if isinstance(exc, AwsError):
        return exc
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Unknown"))
        return AwsError(_client_error_message(code, str(error.get("Message", "")), op, ctx), code)
    name = type(exc).__name__
    if isinstance(exc, ResponseParserError):
        # Its text is the whole response body, which for STS holds the new credentials.
        return AwsError(
            "AWS sent an answer the app cannot read (not the format of an AWS response). "
            "Check the proxy settings and any custom endpoint.",
            name,
        )
    if isinstance(exc, SSOTokenLoadError | UnauthorizedSSOTokenError | TokenRetrievalError):
        return AwsError(_sso_sign_in(ctx, expired=not isinstance(exc, SSOTokenLoadError)), name)
    if isinstance(exc, SSOError):
        return AwsError(
            f"IAM Identity Center gave no credentials for source profile "
            f"'{ctx.source_profile}'. " + _sso_how_to(ctx),
            name,
        )
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
    missing = _missing_program(exc, ctx)
    if missing is not None:
        return missing
    if isinstance(exc, OSError):
        return AwsError(f"Cannot reach AWS ({exc}).", name)
    # Never the exception's text: nobody vetted what it carries.
    return AwsError(f"Unexpected error ({name}).", name)


def _sso_how_to(ctx: AwsContext) -> str:
    profile = ctx.source_profile or "<profile>"
    return f"Sign in with: aws sso login --profile {profile}"


def _sso_sign_in(ctx: AwsContext, *, expired: bool) -> str:
    state = "has expired" if expired else "is not signed in"
    return (
        f"The IAM Identity Center session of source profile '{ctx.source_profile}' {state}. "
        + _sso_how_to(ctx)
        + ", then try again."
    )
