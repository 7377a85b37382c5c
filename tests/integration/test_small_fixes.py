"""Smaller trust fixes: chained roles headless, CSV formulas, the config dir's mode and
temp files a crash left behind."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from tests.aws_stand_in import StandIn
from tests.factories import make_profile
from xacct_gui.app import Launch
from xacct_gui.cli import list_buckets
from xacct_gui.core.aws import AwsService, Bucket
from xacct_gui.core.store import ProfileStore, write_atomically
from xacct_gui.gui.main_window.bucket_panel import buckets_csv


def test_list_buckets_works_for_a_chained_role(isolated_aws_files: Path) -> None:
    # The stand-in (tests/aws_stand_in.py): moto's IAM has no cross-account trust to chain.
    (isolated_aws_files / "credentials").write_text(
        "[default]\naws_access_key_id = AKIASTANDINUSER00001\n"
        "aws_secret_access_key = abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"
    )
    hub = make_profile("Hub", account_id="222222222222", source_profile="default")
    spoke = make_profile("Spoke", account_id="333333333333", source_role="Hub")
    users = {"AKIASTANDINUSER00001": "111111111111"}
    with StandIn(users=users, buckets={"333333333333": ["spoke-a", "spoke-b"]}) as aws:
        out, err = io.StringIO(), io.StringIO()
        service = AwsService(endpoint_url=aws.endpoint_url)
        status = list_buckets(
            service, [hub, spoke], "Spoke", as_json=False, where="x", out=out, err=err
        )
        assert (status, err.getvalue()) == (0, "")
        assert out.getvalue().split() == ["spoke-a", "spoke-b"]
        assumed = [
            r.params["RoleArn"].split(":")[4] for r in aws.requests if r.params.get("RoleArn")
        ]
        assert assumed == ["222222222222", "333333333333"]


def test_csv_cells_never_start_a_formula() -> None:
    when = datetime(2024, 1, 2, tzinfo=timezone.utc)
    hostile = [
        Bucket('=HYPERLINK("http://x")', when, "+1+1"),
        Bucket("ok-bucket", when, "-2"),
        Bucket("@SUM(A1)", when, "\tcmd"),
        Bucket("plain", when, "\r=1"),
    ]
    rows = list(csv.reader(io.StringIO(buckets_csv(hostile), newline="")))[1:]
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert rows[0][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][0] == "ok-bucket"


def test_the_config_dir_is_created_private(tmp_path: Path) -> None:
    config_dir = tmp_path / "new" / "xacct-gui"
    ProfileStore(config_dir).save([])
    assert config_dir.stat().st_mode & 0o777 == 0o700
    write_atomically(tmp_path / "other" / "x.json", "{}")
    assert (tmp_path / "other").stat().st_mode & 0o777 == 0o700


def test_stale_temp_files_are_removed_on_start(tmp_path: Path) -> None:
    old = tmp_path / ".profiles.json.abc123.tmp"
    old_keys = tmp_path / ".sign-in-keys.json.x.tmp"
    fresh = tmp_path / ".profiles.json.def456.tmp"  # another process may be saving now
    (tmp_path / "sso").mkdir()
    old_sso = tmp_path / "sso" / ".abc.json.q.tmp"
    for path in (old, old_keys, fresh, old_sso):
        path.write_text("{}")
    an_hour_ago = time.time() - 3600
    for path in (old, old_keys, old_sso):
        os.utime(path, (an_hour_ago, an_hour_ago))
    launch = Launch(config_dir=tmp_path, demo=False)
    launch.close()
    assert not old.exists() and not old_keys.exists() and not old_sso.exists()
    assert fresh.exists()
