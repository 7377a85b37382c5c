"""The real AWS CLI (``awscli`` in its own venv) against the moto server on loopback.

Two ways the CLI gets a role from xacct: ``credential_process = python -m xacct_gui
--credential-process NAME`` (the app assumes the role and hands the CLI the
session), and the ``[profile …]`` blocks xacct exports into the AWS config file
(the CLI assumes the role itself). Either way ``sts get-caller-identity`` must
name the role's account and ``s3api list-buckets`` list its buckets.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.interop.tools import REPO_ROOT
from xacct_gui.core.exporters import merge_config_text, prepare_config_write, write_config
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore
from xacct_gui.demo import DemoEnvironment


def cli_env(tmp_path: Path, config: Path, demo: DemoEnvironment) -> dict[str, str]:
    """A clean environment: nothing of the developer's AWS set-up, no region."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "PYTHONPATH": str(REPO_ROOT),
        "QT_QPA_PLATFORM": "offscreen",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": demo.credentials_file,
        "AWS_ENDPOINT_URL": demo.endpoint_url,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }


def aws(cli: Path, env: dict[str, str], *args: str) -> Any:
    done = subprocess.run(
        [str(cli), *args, "--output", "json"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, f"aws {' '.join(args)}: {done.stderr.strip()}"
    return json.loads(done.stdout)


def demo_config_without_region(demo: DemoEnvironment) -> str:
    # No region anywhere: an exported profile must carry the one the app would use.
    text = Path(demo.config_file).read_text(encoding="utf-8")
    return "".join(line for line in text.splitlines(True) if not line.startswith("region"))


def bucket_names(listing: Any) -> list[str]:
    return sorted(bucket["Name"] for bucket in listing["Buckets"])


def expected_buckets(demo: DemoEnvironment, profile: RoleProfile) -> list[str]:
    return sorted(demo.buckets_by_account[profile.account_id])


@pytest.mark.parametrize("name", ["Dev", "Test"])
def test_credential_process(
    aws_cli: Path, demo_env: DemoEnvironment, tmp_path: Path, name: str
) -> None:
    config_dir = tmp_path / "xacct config"  # a space: the command's quoting is exercised
    ProfileStore(config_dir).save(demo_env.profiles)
    command = shlex.join(
        [
            sys.executable,
            "-m",
            "xacct_gui",
            "--credential-process",
            name,
            "--config-dir",
            str(config_dir),
        ]
    )
    config = tmp_path / "config"
    config.write_text(
        Path(demo_env.config_file).read_text(encoding="utf-8")
        + f"\n[profile from-xacct]\ncredential_process = {command}\nregion = us-east-1\n",
        encoding="utf-8",
    )
    env = cli_env(tmp_path, config, demo_env)
    profile = next(p for p in demo_env.profiles if p.name == name)
    identity = aws(aws_cli, env, "sts", "get-caller-identity", "--profile", "from-xacct")
    assert identity["Account"] == profile.account_id
    assert f":assumed-role/{profile.role_name}/" in identity["Arn"]
    listing = aws(aws_cli, env, "s3api", "list-buckets", "--profile", "from-xacct")
    assert bucket_names(listing) == expected_buckets(demo_env, profile)


def test_exported_profiles(aws_cli: Path, demo_env: DemoEnvironment, tmp_path: Path) -> None:
    dev = next(p for p in demo_env.profiles if p.name == "Dev")
    profiles = [
        *demo_env.profiles,
        dev.replace(name="Ext Team", color="#123456"),  # a name with a space, custom colour
        dev.replace(name="Chained", source_role="Prod", source_profile="default"),
    ]
    config = tmp_path / "config"
    config.write_text(demo_config_without_region(demo_env), encoding="utf-8")
    plan = prepare_config_write(config, profiles)
    assert plan.export.skipped == ()
    write_config(plan)
    written = config.read_text(encoding="utf-8")
    assert merge_config_text(written, plan.export.blocks).changed is False
    env = cli_env(tmp_path, config, demo_env)
    for profile in profiles:
        cli_name = next(b.cli_name for b in plan.export.blocks if b.profile == profile.name)
        identity = aws(aws_cli, env, "sts", "get-caller-identity", "--profile", cli_name)
        assert identity["Account"] == profile.account_id, profile.name
        assert f":assumed-role/{profile.role_name}/" in identity["Arn"], profile.name
        if profile.name in ("Dev", "Ext Team", "Chained"):
            listing = aws(aws_cli, env, "s3api", "list-buckets", "--profile", cli_name)
            assert bucket_names(listing) == expected_buckets(demo_env, profile), profile.name
            # A regional service: without a region in the profile the CLI stops with
            # "You must specify a region" (S3 and STS would fall back to us-east-1).
            # The demo's roles may not use SQS: the server's AccessDenied shows the
            # request was signed for a region and sent.
            sqs = subprocess.run(
                [
                    str(aws_cli),
                    "sqs",
                    "list-queues",
                    "--profile",
                    cli_name,
                    "--endpoint-url",
                    demo_env.endpoint_url,
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            assert "must specify a region" not in sqs.stderr
            assert sqs.returncode == 0 or "AccessDenied" in sqs.stderr, sqs.stderr
        region = subprocess.run(
            [str(aws_cli), "configure", "get", "region", "--profile", cli_name],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=False,
        )
        assert region.stdout.strip() == "us-east-1", profile.name
