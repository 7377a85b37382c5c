"""Suite-wide settings: offscreen Qt, isolated AWS config, no real credentials."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from xacct_gui.demo import DemoAws, DemoEnvironment

if TYPE_CHECKING:
    from tests.integration.test_discovery import Organisation

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Never let a developer's real AWS settings leak into the suite.
for _var in (
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_STS",
    "AWS_ENDPOINT_URL_S3",
):
    os.environ.pop(_var, None)


@pytest.fixture(autouse=True)
def isolated_aws_files(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Point botocore at empty AWS files so no test reads ~/.aws."""
    home = tmp_path_factory.mktemp("aws-home")
    config, credentials = home / "config", home / "credentials"
    config.write_text("")
    credentials.write_text("")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AWS_CONFIG_FILE", str(config))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
        mp.setenv("AWS_EC2_METADATA_DISABLED", "true")
        yield home


@pytest.fixture(scope="session")
def demo_env() -> Iterator[DemoEnvironment]:
    """One seeded demo emulator for the whole session (moto's state is process-wide)."""
    with DemoAws() as env:
        yield env


@pytest.fixture(scope="session")
def organisation(demo_env: DemoEnvironment) -> Iterator[Organisation]:
    """An AWS Organization seeded once in the demo emulator (see test_discovery.py)."""
    from tests.integration.test_discovery import seed_organisation

    yield from seed_organisation(demo_env)
