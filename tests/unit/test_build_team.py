"""``dev.py build --team FILE``: the team file is checked with the app's validator and
staged where the spec bakes it in; the frozen app's lookup finds it. No PyInstaller run
here (tests/integration/test_frozen.py checks the lookup inside the real bundle)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from xacct_gui.core.sso.team import BUNDLED_TEAM_NAME, bundled_team_file, read_team_file
from xacct_gui.selftest import bundled_team

REPO_ROOT = Path(__file__).resolve().parents[2]
TEAM = {
    "xacct_team": 1,
    "organisation": "Acme",
    "start_url": "https://acme.awsapps.com/start",
    "region": "eu-west-1",
}


def _load_build_script() -> ModuleType:
    path = REPO_ROOT / "build_scripts" / "build.py"
    spec = importlib.util.spec_from_file_location("xacct_build_script_team", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


build = _load_build_script()
xb = build.xb


def test_a_good_team_file_is_staged_byte_for_byte_under_the_name_the_app_looks_for(
    tmp_path: Path,
) -> None:
    source = tmp_path / "acme team.json"
    source.write_text(json.dumps(TEAM, indent=1) + "\n", encoding="utf-8")
    staged, org = build.stage_team_file(source, tmp_path / "staging")
    assert org == "Acme"
    assert staged.name == BUNDLED_TEAM_NAME == xb.bundled_team_name()
    assert staged.read_bytes() == source.read_bytes()
    assert read_team_file(staged).instance.start_url == TEAM["start_url"]
    assert [p.name for p in staged.parent.iterdir()] == [BUNDLED_TEAM_NAME]  # no partial left
    # What the spec turns into a data file at the top of the bundle's resources.
    assert xb.team_datas(str(staged)) == [(str(staged), ".")]
    assert xb.team_datas(None) == []
    with pytest.raises(SystemExit, match=BUNDLED_TEAM_NAME):
        xb.team_datas(str(source))


def test_a_bad_team_file_fails_the_build_with_the_validators_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**TEAM, "start_url": "https://example.com"}), encoding="utf-8")
    with pytest.raises(build.BuildError, match="not an IAM Identity Center portal"):
        build.stage_team_file(bad, tmp_path / "staging")
    assert not (tmp_path / "staging").exists()

    def no_pyinstaller(*args: object, **kwargs: object) -> float:
        raise AssertionError("PyInstaller must not run for a bad team file")

    monkeypatch.setattr(build, "build", no_pyinstaller)
    monkeypatch.setattr(xb, "WORK_DIR", tmp_path / "work")
    assert build.main(["--team", str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"build: error: --team {bad}: This team file cannot be used:")
    assert "not an IAM Identity Center portal" in err and "Traceback" not in err
    assert build.main(["--team", str(tmp_path / "missing.json")]) == 1
    assert "Cannot read" in capsys.readouterr().err


def test_a_team_build_is_its_own_build_and_tells_the_spec(tmp_path: Path) -> None:
    staged, _ = build.stage_team_file(_write(tmp_path / "t.json", TEAM), tmp_path / "staging")
    plain, team = xb.Variant(), xb.Variant(team=staged)
    assert team.spec_args() == ["--team", str(staged)] and plain.spec_args() == []
    assert xb.bundle_path(team, xb.read_app_meta()) == xb.bundle_path(plain, xb.read_app_meta())
    # A plain bundle is never taken for a team one (or the reverse), nor one team for another.
    first = xb.source_digest(team)
    assert first != xb.source_digest(plain)
    _write(staged, {**TEAM, "organisation": "Other"})
    assert xb.source_digest(team) != first


def test_the_frozen_app_finds_the_baked_in_team_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bundled_team_file() is None  # run from source: never
    assert bundled_team() is None
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert bundled_team_file() is None  # a plain build
    _write(tmp_path / BUNDLED_TEAM_NAME, TEAM)
    assert bundled_team_file() == tmp_path / BUNDLED_TEAM_NAME
    assert bundled_team() == "Acme"  # what --self-test reports


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path
