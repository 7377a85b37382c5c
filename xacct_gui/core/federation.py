"""Open the AWS console as a role: trade a role session for a console sign-in link.

AWS's federation endpoint does it in two steps: ``getSigninToken`` exchanges
the role's temporary credentials for a sign-in token, and the ``login`` action
turns the token into a link that opens the console signed in as that role.
Unlike the console's own "Switch Role", this works for roles that need an
ExternalId, because the app assumed the role itself.

Both the token and the final link are bearer credentials (anyone holding the
link is signed in for up to 15 minutes), so neither is ever logged, and errors
raised from here never chain the underlying exception (urllib's ``HTTPError``
carries the full request URL, which contains the secret key).

No botocore import here: this runs right after a switch, from a worker thread.
"""

from __future__ import annotations

import json
import logging
import os
import ssl
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .errors import FederationError
from .validation import check_region

if TYPE_CHECKING:
    from .aws import AwsService
    from .credentials import RoleSession
    from .profiles import RoleProfile

log = logging.getLogger(__name__)

FEDERATION_URL_ENV = "XACCT_GUI_FEDERATION_URL"
# Test-only, and loud: with this set to "1", the override may also be a plain-http
# loopback address (a local stand-in). Nothing else ever gets the role's secret key.
INSECURE_TEST_ENV = "XACCT_GUI_TEST_ONLY_INSECURE_LOOPBACK_FEDERATION"
# The hosts the role's credentials may be sent to (by https only): AWS sign-in in each
# partition, and its regional forms (eu-west-1.signin.aws.amazon.com).
_SIGNIN_HOSTS = ("signin.aws.amazon.com", "signin.amazonaws.cn", "signin.amazonaws-us-gov.com")
_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
ISSUER = "xacct"
# The sign-in service answers in well under a second; a user waiting on a browser
# should hear about a dead network in seconds, not after urllib's default (none).
DEFAULT_TIMEOUT = 10.0
# A sign-in token is a few hundred bytes; never read an unbounded answer into memory.
_MAX_RESPONSE_BYTES = 64 * 1024

# Where each partition's federation endpoint and console live. The other
# partitions (ISO, EUSC) have no public sign-in endpoint this app can reach.
SIGNIN_BASES: dict[str, str] = {
    "aws": "https://signin.aws.amazon.com",
    "aws-cn": "https://signin.amazonaws.cn",
    "aws-us-gov": "https://signin.amazonaws-us-gov.com",
}
_CONSOLE_HOSTS: dict[str, str] = {
    "aws": "console.aws.amazon.com",
    "aws-cn": "console.amazonaws.cn",
    "aws-us-gov": "console.amazonaws-us-gov.com",
}

STATIC_KEYS_MESSAGE = (
    "Keys of an IAM user cannot be federated directly: the console sign-in needs a role session."
)


def _is_signin_host(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in _SIGNIN_HOSTS)


def checked_override(value: str) -> str:
    """``XACCT_GUI_FEDERATION_URL`` as a base URL, or FederationError saying why not.

    The role's secret key goes to this address, so only an https AWS sign-in host
    is accepted; a loopback ``http`` one only with the loud test-only switch. The
    value itself is never logged nor put in a message.
    """
    bad = FederationError(
        f"{FEDERATION_URL_ENV} is set but is not an AWS sign-in address (https://"
        "signin.aws.amazon.com, a regional …signin.aws.amazon.com, or the China or "
        "GovCloud sign-in host): the role's credentials are not sent there. Unset it.",
        "BadFederationUrl",
    )
    try:
        parts = urllib.parse.urlsplit(value)
        host, port = (parts.hostname or "").lower(), parts.port
    except ValueError:
        raise bad from None
    if parts.username or parts.password or parts.query or parts.fragment:
        raise bad
    if parts.path not in ("", "/"):
        raise bad
    if parts.scheme == "https" and _is_signin_host(host) and port in (None, 443):
        return value.rstrip("/")
    if (
        os.environ.get(INSECURE_TEST_ENV) == "1"
        and parts.scheme in ("http", "https")
        and host in _LOOPBACK_HOSTS
    ):
        log.warning(
            "TEST ONLY: %s is on, so console sign-in goes to a loopback address, in clear",
            INSECURE_TEST_ENV,
        )
        return value.rstrip("/")
    raise bad


def federation_base(partition: str = "aws") -> str:
    """The federation endpoint's base URL (a checked env override wins, for regional
    sign-in endpoints and tests)."""
    override = os.environ.get(FEDERATION_URL_ENV, "").strip()
    if override:
        return checked_override(override)
    try:
        return SIGNIN_BASES[partition]
    except KeyError:
        raise FederationError(
            f"Opening the console is not supported for the {partition} partition: "
            "it has no public AWS sign-in endpoint.",
            "UnsupportedPartition",
        ) from None


def console_destination(region: str | None, partition: str = "aws") -> str:
    """The console home page for ``region`` (or the console's own choice without one)."""
    host = _CONSOLE_HOSTS.get(partition, _CONSOLE_HOSTS["aws"])
    # The region becomes part of a host name: only a well-formed one may get there.
    if not region or check_region(region) is not None:
        return f"https://{host}/console/home"
    query = urllib.parse.urlencode({"region": region})
    if partition == "aws":
        # The commercial console serves each region from its own host name.
        return f"https://{region}.{host}/console/home?{query}"
    return f"https://{host}/console/home?{query}"


def bucket_destination(bucket: str, region: str | None, partition: str = "aws") -> str:
    """The S3 console page of ``bucket`` (a bucket name is URL-safe; quoted all the same)."""
    host = _CONSOLE_HOSTS.get(partition, _CONSOLE_HOSTS["aws"])
    if partition == "aws":
        host = f"s3.{host}"
    path = f"/s3/buckets/{urllib.parse.quote(bucket, safe='')}"
    if region and check_region(region) is None:
        return f"https://{host}{path}?{urllib.parse.urlencode({'region': region})}"
    return f"https://{host}{path}"


def _check_session(session: RoleSession, now: datetime) -> None:
    if not session.session_token:
        raise FederationError(STATIC_KEYS_MESSAGE, "StaticKeys")
    if session.expiration <= now:
        raise FederationError(
            "The role's session has expired. Refresh the session and try again.",
            "ExpiredToken",
        )


def _opener() -> urllib.request.OpenerDirector:
    """urllib with the environment's proxies and, like botocore, ``AWS_CA_BUNDLE``."""
    ca_bundle = os.environ.get("AWS_CA_BUNDLE")
    if ca_bundle:
        context = ssl.create_default_context(cafile=ca_bundle)
        return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
    return urllib.request.build_opener()


def _host(base: str) -> str:
    return urllib.parse.urlsplit(base).netloc or base


def get_signin_token(
    session: RoleSession,
    *,
    partition: str = "aws",
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
) -> str:
    """Step 1: exchange the role's credentials for a sign-in token (one HTTPS GET)."""
    _check_session(session, now or datetime.now(timezone.utc))
    base = federation_base(partition)
    session_json = json.dumps(
        {
            "sessionId": session.access_key_id,
            "sessionKey": session.secret_access_key,
            "sessionToken": session.session_token,
        }
    )
    query = urllib.parse.urlencode({"Action": "getSigninToken", "Session": session_json})
    try:
        request = urllib.request.Request(f"{base}/federation?{query}", method="GET")
        with _opener().open(request, timeout=timeout) as response:
            body = response.read(_MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        status = exc.code
        exc.close()  # the error owns the open response; release the connection
        raise FederationError(
            f"The AWS sign-in service at {_host(base)} refused the role's session "
            f"(HTTP {status}). The session may have expired or been revoked: refresh the "
            "session and try again.",
            "Refused",
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        # A ValueError's text is the whole request URL, secret key included: never shown.
        reason = "invalid address" if isinstance(exc, ValueError) else getattr(exc, "reason", exc)
        raise FederationError(
            f"Cannot reach the AWS sign-in service at {_host(base)}. Check that you are "
            f"online and the proxy settings. ({reason})",
            "Unreachable",
        ) from None
    token = _token_from(body)
    if token is None:
        raise FederationError(
            f"The AWS sign-in service at {_host(base)} sent an unexpected answer "
            "(no sign-in token). Try again later.",
            "BadResponse",
        )
    return token


def _token_from(body: bytes) -> str | None:
    if len(body) > _MAX_RESPONSE_BYTES:
        return None
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    token = data.get("SigninToken") if isinstance(data, dict) else None
    return token if isinstance(token, str) and token else None


def login_url(token: str, destination: str, *, partition: str = "aws") -> str:
    """Step 2: the link that signs the browser in with ``token`` and opens ``destination``."""
    query = urllib.parse.urlencode(
        {
            "Action": "login",
            "Issuer": ISSUER,
            "Destination": destination,
            "SigninToken": token,
        }
    )
    return f"{federation_base(partition)}/federation?{query}"


def console_signin_url(
    session: RoleSession,
    region: str | None,
    partition: str = "aws",
    *,
    timeout: float = DEFAULT_TIMEOUT,
    now: datetime | None = None,
    destination: str | None = None,
) -> str:
    """A link that opens the console in ``region`` (or at ``destination``), signed in as
    ``session``'s role.

    Blocks for one HTTPS request: call it off the GUI thread. Raises
    :class:`FederationError` with a message for the user. The link is a bearer
    credential valid for about 15 minutes: open it, never log or store it.
    """
    token = get_signin_token(session, partition=partition, timeout=timeout, now=now)
    target = destination or console_destination(region, partition)
    url = login_url(token, target, partition=partition)
    # Name the role only: the token and link must never reach a log.
    log.info("made a console sign-in link for %s", session.assumed_role_arn)
    return url


def console_url_for(
    service: AwsService,
    profile: RoleProfile,
    *,
    chain: tuple[RoleProfile, ...] = (),
    mfa_code: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    destination: str | None = None,
) -> str:
    """The worker's whole job for "Open console": reuse (or assume) the profile's role
    session, then make its sign-in link for the profile's region (or ``destination``).

    Raises ``MfaCodeRequired``/``AwsError`` from assuming, :class:`FederationError`
    from the sign-in service; all are ``XacctError`` with a message for the user.
    """
    session, _ = service.session_for(profile, mfa_code, chain)
    return console_signin_url(
        session, profile.region, profile.partition, timeout=timeout, destination=destination
    )
