"""The demo's own AWS config offers a profile to import, and the imported one works."""

from __future__ import annotations

from pathlib import Path

from xacct_gui.core.importers import preview_aws_config
from xacct_gui.demo import SOURCE_PROFILE, DemoEnvironment


def test_the_demo_config_has_a_working_profile_to_import(demo_env: DemoEnvironment) -> None:
    text = Path(demo_env.config_file).read_text(encoding="utf-8")
    items = preview_aws_config(text, demo_env.profiles)
    new = [item for item in items if item.status == "new"]
    assert new, "Import from AWS config in the demo found nothing to import"
    profile = new[0].profile
    assert profile is not None and profile.source_profile == SOURCE_PROFILE
    result = demo_env.make_service().switch(profile)
    assert {b.name for b in result.buckets} == set(demo_env.buckets_by_account[profile.account_id])


def test_quitting_while_the_demo_starts_leaves_no_files(tmp_path: Path) -> None:
    """The process ends before the emulator's thread has stopped it: its temp dir goes."""
    import subprocess
    import sys

    script = (
        "from xacct_gui.demo.emulator import _Emulator\n"
        "emulator = _Emulator(0)\n"
        "print(emulator.temp_dir, flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    temp_dir = Path(done.stdout.strip())
    assert temp_dir.name.startswith("xacct-demo-")
    assert not temp_dir.exists()
