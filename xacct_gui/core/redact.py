"""Scrub anything that looks like an AWS key, secret, token or MFA code from log lines.

botocore's own loggers are held at INFO (they log signed headers at DEBUG);
this filter is the second net for the app's own lines and anything else.
"""

from __future__ import annotations

import logging
import re

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
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
