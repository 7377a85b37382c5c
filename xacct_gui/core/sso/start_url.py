"""Recognise an IAM Identity Center start URL and read its region when it shows one.

Three forms exist:

* ``https://d-xxxxxxxxxx.awsapps.com/start`` (the directory ID: ``d-`` + 10 of 0-9 a-z);
* ``https://<alias>.awsapps.com/start`` (a vanity alias chosen by the organisation);
* ``https://<id>.portal.<region>.app.aws`` (newer instances; the host names the region).

Pasted URLs often end in ``/``, ``/#``, ``/#/`` or ``#/``: those are tolerated and
dropped. Everything else (http, another host, a user name, a port, a query, another
path) is refused with one sentence, because the start URL is also the OAuth issuer
the sign-in is registered for.
"""

from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from .errors import StartUrlError
from .models import SsoInstance

_AWSAPPS_RE = re.compile(r"(?P<label>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.awsapps\.com")
_PORTAL_RE = re.compile(
    r"(?P<label>[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.portal\."
    r"(?P<region>[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2})\.app\.aws"
)
# The region rule of ..validation, repeated: that module checks profiles' start URLs
# with this one, and imports may not go in a circle.
_REGION_RE = re.compile(r"[a-z]{2,4}(?:-[a-z]+)+-[0-9]{1,2}")
_DIRECTORY_RE = re.compile(r"d-[0-9a-z]{10}")
_EXAMPLE = "https://d-1234567890.awsapps.com/start or https://<name>.awsapps.com/start"


@dataclass(frozen=True)
class StartUrl:
    """A normalised start URL; ``region`` is None when the URL does not show it."""

    url: str
    region: str | None
    label: str  # the alias or directory ID, a fallback name for the organisation

    def __str__(self) -> str:
        return self.url


def _refuse(why: str) -> StartUrlError:
    return StartUrlError(f"{why} A start URL looks like {_EXAMPLE}.", "BadStartUrl")


def _strip_fragment_and_slashes(text: str) -> str:
    # "…/start/#/", "…/start#/", "…/start/#" all mean "…/start".
    for suffix in ("#/", "#"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    return text.rstrip("/")


def parse_start_url(text: str) -> StartUrl:
    """The normalised start URL and its region (when readable); raises StartUrlError."""
    raw = text.strip()
    if not raw:
        raise _refuse("Enter the start URL of your organisation's access portal.")
    if any(ch.isspace() or not ch.isprintable() for ch in raw):
        raise _refuse("The start URL must not contain spaces.")
    cleaned = _strip_fragment_and_slashes(raw)
    try:
        parts = urllib.parse.urlsplit(cleaned)
        port = parts.port
    except ValueError:
        raise _refuse("That is not a valid URL.") from None
    if parts.scheme.lower() != "https":
        raise _refuse("The start URL must begin with https://.")
    if "@" in parts.netloc:
        raise _refuse("The start URL must not contain a user name or password.")
    if port is not None or parts.netloc.endswith(":"):
        raise _refuse("The start URL must not name a port.")
    if parts.query or parts.fragment or "#" in cleaned:
        raise _refuse("The start URL must not carry a query or a # part.")
    host = (parts.hostname or "").rstrip(".")
    path = parts.path.rstrip("/").lower()
    if match := _AWSAPPS_RE.fullmatch(host):
        if path != "/start":
            raise _refuse("An awsapps.com start URL ends in /start.")
        label = match["label"]
        return StartUrl(f"https://{host}/start", None, label)
    if match := _PORTAL_RE.fullmatch(host):
        if path not in ("", "/start"):
            raise _refuse("A portal URL has no path after the host name.")
        return StartUrl(f"https://{host}", match["region"], match["label"])
    raise _refuse(f"{host or 'That address'} is not an IAM Identity Center portal.")


def is_directory_id(label: str) -> bool:
    """True for a ``d-xxxxxxxxxx`` label (no vanity alias chosen)."""
    return bool(_DIRECTORY_RE.fullmatch(label))


def make_instance(text: str, region: str | None = None, name: str | None = None) -> SsoInstance:
    """An :class:`SsoInstance` from what a user typed: the URL, its region, a name.

    The region is read from a ``portal.<region>.app.aws`` host; an ``awsapps.com``
    URL does not show it, so the user must give it. The name defaults to the alias.
    """
    parsed = parse_start_url(text)
    given = (region or "").strip()
    if given and not _REGION_RE.fullmatch(given):
        raise StartUrlError(
            f"{given!r} is not a region: a region looks like eu-west-1.", "BadRegion"
        )
    if parsed.region and given and given != parsed.region:
        raise StartUrlError(
            f"This start URL belongs to region {parsed.region}, not {given}.", "RegionMismatch"
        )
    chosen = parsed.region or given
    if not chosen:
        raise StartUrlError(
            "This start URL does not show its region: choose the region your "
            "Identity Center is in (its settings page names it).",
            "NoRegion",
        )
    label = (name or "").strip() or parsed.label
    return SsoInstance(parsed.url, chosen, label)
