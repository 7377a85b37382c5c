"""The frozen app (PyInstaller bundle) works as shipped: the smoke test CI runs.

The bundle is built by build_scripts/build.py unless dist/ already holds one
built from the current sources (a hash of the package, the spec, pyproject.toml,
the icons and the tool versions is kept beside it), so a run after
``python3 build_scripts/dev.py build`` costs only the checks. A build takes
well under a minute here; the timeout below leaves room for a slow CI machine.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from PyInstaller.archive.readers import pkg_archive_contents

from xacct_gui import __version__
from xacct_gui.core.store import ProfileStore
from xacct_gui.demo import DemoEnvironment
from xacct_gui.selftest import REQUIRED_SERVICES, STARTUP_MARKER

REPO_ROOT = Path(__file__).resolve().parents[2]
IS_LINUX = sys.platform.startswith("linux")

pytestmark = pytest.mark.timeout(900)


def _load_build_script() -> ModuleType:
    path = REPO_ROOT / "build_scripts" / "build.py"
    spec = importlib.util.spec_from_file_location("xacct_build_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


build = _load_build_script()
xb = build.xb  # build_scripts/xacct_bundle.py, as build.py imported it


@pytest.fixture(scope="module")
def frozen_build() -> tuple[Path, str]:
    """The bundle's executable, and the sources' hash when it was checked or built
    (someone may edit the tree while a long test session runs)."""
    exe: Path = build.ensure_fresh()
    return exe, xb.source_digest(xb.Variant())


@pytest.fixture(scope="module")
def frozen_exe(frozen_build: tuple[Path, str]) -> Path:
    return frozen_build[0]


@pytest.fixture
def aws_env(demo_env: DemoEnvironment) -> dict[str, str]:
    """The frozen app's environment: offscreen Qt, the demo emulator as "AWS"."""
    env: dict[str, str] = build.frozen_env(
        {
            "AWS_ENDPOINT_URL": demo_env.endpoint_url,
            "AWS_CONFIG_FILE": demo_env.config_file,
            "AWS_SHARED_CREDENTIALS_FILE": demo_env.credentials_file,
        }
    )
    return env


@pytest.fixture
def config_dir(demo_env: DemoEnvironment, tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "config"
    ProfileStore(directory).save(demo_env.profiles)
    yield directory


def test_self_test_reports_a_complete_bundle(frozen_exe: Path, tmp_path: Path) -> None:
    config_dir = tmp_path / "fresh-config"
    report = build.run_self_test(frozen_exe, config_dir, build.frozen_env())
    # A machine without a usable keyring (headless CI) makes the report not ok,
    # as it must (issue 10 item 20); that is then its only problem.
    keyring_problems = [] if report["keyring"]["usable"] else report["keyring"]["problems"]
    assert report["exit_code"] == (0 if not keyring_problems else 1), report["problems"]
    assert report["ok"] is not keyring_problems
    assert report["problems"] == [f"keyring: {p}" for p in keyring_problems]
    assert report["stderr"] == []
    assert report["app"]["frozen"] is True
    assert report["app"]["team"] is None  # a plain build bakes in no team file
    assert report["app"]["version"] == __version__
    assert report["qt"]["platform"] == "offscreen"
    assert report["qt"]["window_icon"] is True
    assert report["qt"]["collation"] is True  # the trimmed ICU data still sorts by language
    services = report["botocore"]["services"]
    assert set(services) == set(REQUIRED_SERVICES)
    for name, service in services.items():
        assert service["ok"], name
        assert any(f.startswith("service-2.json") for f in service["files"]), name
        assert any(f.startswith("endpoint-rule-set-1.json") for f in service["files"]), name
        assert not any(f.startswith("examples-") for f in service["files"]), name
    assert all(report["botocore"]["shared_data"].values())
    assert Path(report["botocore"]["ca_bundle"]).is_file()
    assert report["config"]["dir"] == str(config_dir)
    if importlib.util.find_spec("keyring") is not None:
        # The frozen app must find keyring's backends through its entry points.
        keyring = report["keyring"]
        assert keyring["native_backend_loads"] is True
        assert keyring["backend"].startswith("keyring.backends.")
    else:
        assert report["keyring"]["backend"] == "not installed"


def test_the_frozen_app_finds_a_team_file_in_its_resources(
    frozen_exe: Path, tmp_path: Path
) -> None:
    """Where `dev.py build --team` puts it (the spec's data file at the top of
    sys._MEIPASS), placed by hand here so this session's one build serves."""
    resources = frozen_exe.parent / "_internal"  # onedir: PyInstaller's contents folder
    if not resources.is_dir():
        resources = frozen_exe.parent.parent / "Frameworks"  # a macOS .app
    baked = resources / xb.bundled_team_name()
    team = {
        "xacct_team": 1,
        "organisation": "Acme",
        "start_url": "https://acme.awsapps.com/start",
        "region": "eu-west-1",
    }
    staged, _ = build.stage_team_file(_write_json(tmp_path / "team.json", team), tmp_path)
    baked.write_bytes(staged.read_bytes())
    try:
        report = build.run_self_test(frozen_exe, tmp_path / "config", build.frozen_env())
    finally:
        baked.unlink()
    assert report["app"]["team"] == "Acme"


def _write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_list_buckets_of_a_role_that_needs_an_external_id(
    frozen_exe: Path, demo_env: DemoEnvironment, aws_env: dict[str, str], config_dir: Path
) -> None:
    profile = next(p for p in demo_env.profiles if p.name == "Test")
    assert profile.external_id  # the point of this test
    done = build.list_buckets(frozen_exe, config_dir, profile.name, aws_env)
    assert done.returncode == 0, done.stderr
    assert sorted(done.stdout.split()) == sorted(demo_env.buckets_by_account[profile.account_id])
    assert done.stderr == ""


def test_list_buckets_failure_is_one_line_without_traceback(
    frozen_exe: Path, demo_env: DemoEnvironment, aws_env: dict[str, str], config_dir: Path
) -> None:
    done = build.list_buckets(frozen_exe, config_dir, "Audit", aws_env)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "s3:ListAllMyBuckets" in done.stderr


def test_windowed_app_stays_up_offscreen_and_quiet(
    frozen_exe: Path, aws_env: dict[str, str], config_dir: Path
) -> None:
    run = build.run_gui_briefly(frozen_exe, config_dir, aws_env, seconds=3.0)
    assert run.still_running, f"exited early with {run.exit_code}: {run.stderr}"
    assert run.stderr == []


def test_startup_probe_sees_the_main_window_and_exits_cleanly(
    frozen_exe: Path, aws_env: dict[str, str], config_dir: Path
) -> None:
    assert build.STARTUP_MARKER == STARTUP_MARKER
    # time_startup raises unless the marker came, the exit code is 0 and stderr is clean.
    seconds = build.time_startup(frozen_exe, config_dir, aws_env)
    assert 0 < seconds < 30


def test_bundle_leaves_out_tests_demo_translations_and_unused_models(frozen_exe: Path) -> None:
    meta = xb.read_app_meta()
    bundle = xb.bundle_path(xb.Variant(), meta)
    modules = set(pkg_archive_contents(str(frozen_exe)))
    assert "xacct_gui.gui.main_window" in modules and "botocore.session" in modules
    for name in (*xb.DEV_ONLY_PACKAGES, "xacct_gui.demo"):
        assert not any(m == name or m.startswith(name + ".") for m in modules), name

    files = [p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file()]
    assert not [f for f in files if f.endswith(".qm")], "Qt translations were bundled"
    assert not [f for f in files if xb.OPENGL_DLL_RE.fullmatch(Path(f).name.lower())]
    data_dirs = {
        f.split("botocore/data/", 1)[1].split("/", 1)[0]
        for f in files
        if "botocore/data/" in f and f.split("botocore/data/", 1)[1].count("/")
    }
    assert data_dirs == set(REQUIRED_SERVICES)
    # PySide6/Qt/plugins on Linux and macOS, PySide6/plugins on Windows.
    plugins = [m.group(1) for f in files if (m := re.search(r"PySide6/(?:Qt/)?plugins/(.+)", f))]
    assert any(p.startswith("platforms/") for p in plugins), "no Qt platform plugin"
    for plugin in plugins:
        plugin_dir, filename = plugin.split("/", 1)
        assert xb.qt_plugin_wanted(plugin_dir, filename), plugin
    binding_re = r"PySide6/(Qt[A-Z]\w*)\.(?:abi3\.so|pyd|cpython-[^/]*\.so)$"
    bindings = {m.group(1) for f in files if (m := re.search(binding_re, f))}
    # QtNetwork carries the local socket that keeps one window per config dir.
    assert bindings == {"QtCore", "QtGui", "QtNetwork", "QtWidgets"}
    if IS_LINUX:
        # The size the Linux onedir bundle must stay under.
        assert build.disk_usage(bundle) <= build.TARGET_BUNDLE_MB * build.MB
        # Desktop libraries come from the system, like for the PySide6 wheel itself.
        top_level = {Path(f).name for f in files if f.count("/") <= 1}
        assert not {"libX11.so.6", "libfontconfig.so.1", "libstdc++.so.6"} & top_level


def test_build_info_records_the_sources_it_was_built_from(
    frozen_build: tuple[Path, str],
) -> None:
    info = json.loads(xb.build_info_path(xb.Variant()).read_text(encoding="utf-8"))
    assert info["digest"] == frozen_build[1]
    assert info["version"] == __version__


def test_windows_version_resource_names_the_app_and_its_version() -> None:
    """The text PyInstaller turns into the .exe's version resource (read on Windows only)."""
    meta = xb.read_app_meta()
    classes = (
        "VSVersionInfo",
        "FixedFileInfo",
        "StringFileInfo",
        "StringTable",
        "StringStruct",
        "VarFileInfo",
        "VarStruct",
    )
    found: dict[str, list[tuple[tuple[object, ...], dict[str, object]]]] = {c: [] for c in classes}

    def recorder(name: str) -> object:
        def record(*args: object, **kwargs: object) -> str:
            found[name].append((args, kwargs))
            return name

        return record

    namespace = {name: recorder(name) for name in classes}
    assert eval(xb.windows_version_text(meta), {"__builtins__": {}}, namespace) == "VSVersionInfo"
    strings = {args[0]: args[1] for args, _ in found["StringStruct"]}
    assert strings["ProductVersion"] == meta.version
    assert strings["ProductName"] == meta.app_name
    assert strings["OriginalFilename"] == "xacct-gui.exe"
    assert str(strings["FileVersion"]).startswith(meta.version)
    ((_, ffi),) = found["FixedFileInfo"]
    assert ffi["filevers"] == ffi["prodvers"] == meta.numeric_version
