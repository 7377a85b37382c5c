"""The command line's own logic: flag combinations, profile lookup, one-line errors.

The commands themselves run end to end in tests/integration/test_command_line.py
and tests/integration/test_credential_process.py.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from tests.factories import make_profile
from xacct_gui.cli import (
    CONFIG_DIR_ENV,
    build_parser,
    find_profile,
    flag_problem,
    one_line,
    resolve_config_dir,
    run_credential_process,
)
from xacct_gui.core.profiles import RoleProfile


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--json"], "--json goes with --list-buckets"),
        (
            ["--list-buckets", "Dev", "--credential-process", "Dev"],
            "use --credential-process or --list-buckets, not both",
        ),
        (["--list-buckets", "Dev", "--json"], None),
        ([], None),
    ],
)
def test_flags_that_do_not_go_together(argv: list[str], problem: str | None) -> None:
    assert flag_problem(build_parser().parse_args(argv)) == problem


def test_an_exact_name_wins_over_one_that_differs_in_case() -> None:
    lower, upper = make_profile("dev"), make_profile("DEV")
    assert find_profile([upper, lower], "dev") is lower
    assert find_profile([upper], "dev") is upper
    assert find_profile([upper], "prod") is None


def test_one_line_joins_every_line_break() -> None:
    assert (
        one_line("Cannot reach AWS.\n  Check  the proxy.\r\n")
        == "Cannot reach AWS. Check the proxy."
    )


def test_config_dir_comes_from_the_flag_then_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONFIG_DIR_ENV, str(tmp_path / "env"))
    assert resolve_config_dir(tmp_path / "flag") == tmp_path / "flag"
    assert resolve_config_dir(None) == tmp_path / "env"


def test_credential_process_turns_an_unexpected_error_into_one_line() -> None:
    class Broken:
        def session_for(self, *args: Any) -> Any:
            raise RuntimeError("boom\nwith a second line")

    out, err = io.StringIO(), io.StringIO()
    dev = RoleProfile(name="Dev", account_id="222222222222", role_name="Dev")
    code = run_credential_process(Broken(), [dev], "dev", out=out, err=err, where="here")  # type: ignore[arg-type]
    assert code == 1 and out.getvalue() == ""
    assert err.getvalue() == "error: Dev: unexpected RuntimeError\n"
