"""Per-test AWS services over the session's one demo emulator (tests/conftest.py).

Seeding 300 prod buckets takes about a second and a half, so it is done once;
each test gets its own :class:`AwsService` so cached role sessions never leak
from one test into another.
"""

from __future__ import annotations

import pytest

from xacct_gui.core.aws import AwsService
from xacct_gui.demo import DemoEnvironment


@pytest.fixture
def service(demo_env: DemoEnvironment) -> AwsService:
    return demo_env.make_service()
