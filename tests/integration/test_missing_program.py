"""A ``credential_process`` program that is not installed is named (issue 10 item 18).

botocore itself starts the program (it raises FileNotFoundError, which is not a
network error); the app's message must say which program, not "Cannot reach AWS".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_profile
from xacct_gui.__main__ import main
from xacct_gui.core.store import ProfileStore
from xacct_gui.demo import DemoEnvironment


@pytest.mark.parametrize("program", ["xacct-no-such-helper", "/nonexistent/dir/helper"])
def test_a_missing_credential_process_program_is_named(
    program: str,
    tmp_path: Path,
    demo_env: DemoEnvironment,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "config"
    config.write_text(
        f"[profile helper]\ncredential_process = {program} --profile x\nregion = us-east-1\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_ENDPOINT_URL", demo_env.endpoint_url)
    directory = tmp_path / "xacct"
    ProfileStore(directory).save([make_profile("Dev", source_profile="helper")])
    code = main(["--config-dir", str(directory), "--list-buckets", "Dev"])
    err = capsys.readouterr().err
    assert code == 1
    assert program in err
    assert "not installed or not on PATH" in err
    assert "Cannot reach AWS" not in err
    assert "Traceback" not in err
