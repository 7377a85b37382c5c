"""Scrub anything that looks like an AWS key, secret, token or MFA code from log lines.

botocore's own loggers are held at INFO (they log signed headers at DEBUG);
this filter is the second net for the app's own lines and anything else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

_Replacement = str | Callable[[re.Match[str]], str]


def _encoded_secret(match: re.Match[str]) -> str:
    # A long run with a %-escape in it is a URL-encoded key or token; a run without
    # one is left to the plain patterns below.
    text = match.group(0)
    return "[secret]" if "%" in text else text


_PATTERNS: tuple[tuple[re.Pattern[str], _Replacement], ...] = (
    # URL-encoded forms (a sign-in link, a federation request): "/", "+" and "=" become
    # %2F, %2B and %3D; "-" and "_" are base64url's own.
    (re.compile(r"(?:[A-Za-z0-9_\-]|%2[BbFf]|%3[Dd]){30,}"), _encoded_secret),
    (
        re.compile(r"(?i)\b((?:SigninToken|Session|sessionKey|sessionToken)=)[^&\s\"']+"),
        r"\1[secret]",
    ),
    # An access key ID right after an encoded quote or colon (%22ASIA…, %3AASIA…).
    (re.compile(r"(%22|%3[Aa])(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,124}"), r"\1\2…"),
    # Session tokens are long base64 runs; match them before the shorter shapes.
    (re.compile(r"[A-Za-z0-9/+=]{100,}"), "[token]"),
    # Access key IDs: keep the prefix so a reader can tell key from temporary key.
    (re.compile(r"\b(AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,124}\b"), r"\1…"),
    # Secret access keys are 40 characters of base64 ("=" may precede, as in key=value).
    (re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"), "[secret]"),
    (re.compile(r"(?i)(token_?code[\"']?\s*[:=]\s*[\"']?)\d{6}"), r"\1[code]"),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message, after formatting its arguments, without secrets."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, ()
        return True
