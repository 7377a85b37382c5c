"""The embedded local AWS behind ``--demo`` and the integration tests.

``with DemoAws() as env: service = env.make_service()`` starts (or joins) a
local moto server seeded with a source account and four target accounts;
:mod:`.plan` says what is seeded, :mod:`.seeding` seeds it, :mod:`.emulator`
runs and shares the server.

Everything AWS-side here is fake: the access key only works against the
emulator, and nothing outside the demo's temp dir is written.
"""

from __future__ import annotations

from .emulator import DemoAws, DemoEnvironment
from .plan import (
    DEMO_REGION,
    DEMO_USER,
    FORBIDDEN_ACCOUNT,
    FORBIDDEN_ROLE,
    SOURCE_ACCOUNT,
    SOURCE_PROFILE,
    TEST_EXTERNAL_ID,
)

__all__ = [
    "DEMO_REGION",
    "DEMO_USER",
    "FORBIDDEN_ACCOUNT",
    "FORBIDDEN_ROLE",
    "SOURCE_ACCOUNT",
    "SOURCE_PROFILE",
    "TEST_EXTERNAL_ID",
    "DemoAws",
    "DemoEnvironment",
]
