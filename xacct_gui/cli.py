"""Headless commands: ``--list-buckets NAME [--json]``. No Qt is imported here."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TextIO

from xacct_gui.core.aws import AwsService, Bucket
from xacct_gui.core.errors import XacctError
from xacct_gui.core.profiles import RoleProfile


def find_profile(profiles: Sequence[RoleProfile], name: str) -> RoleProfile | None:
    """The profile called ``name``; an exact match wins over a case-insensitive one."""
    exact = next((p for p in profiles if p.name == name), None)
    if exact is not None:
        return exact
    return next((p for p in profiles if p.name.casefold() == name.casefold()), None)


def buckets_as_json(buckets: Sequence[Bucket]) -> str:
    return json.dumps(
        [{"name": b.name, "created": b.created.isoformat(), "region": b.region} for b in buckets],
        indent=2,
    )


def list_buckets(
    service: AwsService,
    profiles: Sequence[RoleProfile],
    name: str,
    *,
    as_json: bool,
    where: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Assume profile ``name`` and print its buckets; one line on ``err`` and 1 on failure."""
    out = out or sys.stdout  # looked up per call: tests and embedders swap the streams
    err = err or sys.stderr
    profile = find_profile(profiles, name)
    if profile is None:
        known = ", ".join(p.name for p in profiles) or "none"
        print(f"error: no role profile named {name!r} in {where} (known: {known})", file=err)
        return 1
    if profile.mfa_serial:
        print(
            f"error: profile {profile.name!r} needs an MFA code; switch to it in the window",
            file=err,
        )
        return 1
    try:
        result = service.switch(profile)
    except XacctError as exc:
        print(f"error: {profile.name}: {_one_line(str(exc))}", file=err)
        return 1
    if as_json:
        print(buckets_as_json(result.buckets), file=out)
    else:
        for bucket in result.buckets:
            print(bucket.name, file=out)
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())
