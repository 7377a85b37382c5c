#!/usr/bin/env python3
"""Build the double-click bundle for this OS, smoke-test it, measure it, archive it.

    python3 build_scripts/dev.py build [--onefile] [--debug-console] [--team FILE]

(dev.py prepares .venv and runs this file with its Python.) Steps:

1. PyInstaller with build_scripts/xacct.spec -> dist/xacct-gui/ (Windows, Linux)
   or dist/xacct.app (macOS); a ``--onefile`` build is a single executable.
2. Smoke test of the frozen app: ``--self-test``; ``--list-buckets`` against a
   local AWS emulator (moto) with a role that needs an ExternalId; the windowed
   app started offscreen must stay up and print nothing on stderr.
3. Start-up time: process start to "main window shown" (the hidden
   ``--startup-probe`` flag), median of 5 runs, offscreen.
4. The archive in dist/: .tar.gz (Linux), .zip (Windows), .zip and .dmg (macOS).

Sizes, start-up and build time are printed with the targets from the issue.
The frozen test (tests/integration/test_frozen.py) reuses :func:`ensure_fresh`:
a bundle is rebuilt only when its sources changed (a hash kept beside it).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Appended, not prepended: this file is also imported by the test suite, where
# build_scripts/ must not shadow installed packages.
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.append(str(Path(__file__).resolve().parent))
import xacct_bundle as xb

MB = 1_000_000
# Targets from the issue (Linux onedir; measured here, printed everywhere).
TARGET_BUNDLE_MB = 100
TARGET_ARCHIVE_MB = 45
TARGET_STARTUP_S = 0.5
STARTUP_RUNS = 5
GUI_UP_SECONDS = 3.0
STARTUP_TIMEOUT_S = 60.0
# What `--startup-probe` prints once the main window has painted (xacct_gui/selftest.py).
STARTUP_MARKER = "xacct-startup-probe: main window shown"
# The offscreen platform cannot resize windows to their hints and says so once.
HARMLESS_STDERR = ("This plugin does not support propagateSizeHints()",)
# The demo's role that needs an ExternalId (xacct_gui/demo/plan.py).
EXTERNAL_ID_PROFILE = "Test"
LINUX_INSTALLER = Path(__file__).resolve().parent / "install-desktop-entry.sh"


class BuildError(Exception):
    """A failure whose message is complete on its own."""


def log(message: str) -> None:
    print(f"[build] {message}", flush=True)


# --- building ---------------------------------------------------------------------


@contextlib.contextmanager
def build_lock() -> Iterator[None]:
    """One build at a time in this tree (a test run and `dev.py build` may overlap)."""
    lock_path = xb.WORK_DIR / "build.lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        if sys.platform == "win32":
            import msvcrt

            handle.seek(0)  # lock and unlock the same byte
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)
                    break
                except OSError:  # LK_LOCK gives up after 10 s; keep waiting
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def read_build_info(variant: xb.Variant) -> dict[str, Any]:
    try:
        data = json.loads(xb.build_info_path(variant).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_fresh(variant: xb.Variant, meta: xb.AppMeta) -> bool:
    """Built from exactly the current sources, spec, icons and tool versions."""
    if not xb.executable_path(variant, meta).is_file():
        return False
    return bool(read_build_info(variant).get("digest") == xb.source_digest(variant))


def build(variant: xb.Variant, meta: xb.AppMeta, *, clean: bool = False) -> float:
    """Run PyInstaller; return how long it took (seconds)."""
    digest = xb.source_digest(variant)
    info_path = xb.build_info_path(variant)
    info_path.unlink(missing_ok=True)  # a half-built bundle must not look fresh
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        str(xb.SPEC_FILE),
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(xb.DIST_DIR),
        "--workpath",
        str(xb.WORK_DIR / variant.name),
        *(["--clean"] if clean else []),
        "--",
        *variant.spec_args(),
    ]
    log("running " + " ".join(cmd[1:]))
    started = time.monotonic()
    code = subprocess.call(cmd, cwd=xb.REPO_ROOT)
    elapsed = time.monotonic() - started
    if code != 0:
        raise BuildError(f"PyInstaller failed with exit code {code}")
    exe = xb.executable_path(variant, meta)
    if not exe.is_file():
        raise BuildError(f"PyInstaller finished but {exe} is missing")
    info = {
        "digest": digest,
        "version": meta.version,
        "variant": variant.suffix or "default",
        "platform": xb.platform_tag(),
        "bundle": str(xb.bundle_path(variant, meta).relative_to(xb.REPO_ROOT)),
        "build_seconds": round(elapsed, 1),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    info_path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    log(f"PyInstaller took {elapsed:.1f}s")
    return elapsed


def stage_team_file(source: Path, staging: Path | None = None) -> tuple[Path, str]:
    """Check a team file with the app's own validator and copy it, byte for byte and
    atomically, to where the spec picks it up under the name the app looks for.
    Returns the staged path and the organisation's name; a bad file raises BuildError
    with the validator's message, and nothing is staged."""
    from xacct_gui.core.sso.team import TeamFileError, read_team_file

    try:
        team = read_team_file(source)
        data = Path(source).read_bytes()  # what was checked (read_team_file read it too)
    except TeamFileError as exc:
        raise BuildError(f"--team {source}: {exc}") from None
    except OSError as exc:
        raise BuildError(f"--team {source}: cannot read it: {exc.strerror or exc}") from None
    staging = staging or xb.WORK_DIR / "team"
    staging.mkdir(parents=True, exist_ok=True)
    target = staging / xb.bundled_team_name()
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target, team.instance.name


def ensure_fresh(variant: xb.Variant | None = None) -> Path:
    """The executable of a bundle built from the current sources; builds one if needed."""
    variant = variant or xb.Variant()
    meta = xb.read_app_meta()
    with build_lock():
        if not is_fresh(variant, meta):
            build(variant, meta)
    return xb.executable_path(variant, meta)


# --- running the frozen app ---------------------------------------------------------


def frozen_env(aws: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for a frozen run: offscreen Qt, only the AWS settings given."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "QT_", "XACCT_")) and k != "PYTHONPATH"
    }
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.update(aws or {})
    return env


def meaningful_stderr(text: str) -> list[str]:
    """stderr lines that are not known-harmless noise."""
    return [
        line
        for line in text.splitlines()
        if line.strip() and not any(h in line for h in HARMLESS_STDERR)
    ]


def run_self_test(exe: Path, config_dir: Path, env: Mapping[str, str]) -> dict[str, Any]:
    done = subprocess.run(
        [str(exe), "--self-test", "--config-dir", str(config_dir)],
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=60,
    )
    try:
        report: dict[str, Any] = json.loads(done.stdout)
    except ValueError as exc:
        raise BuildError(
            f"--self-test printed no JSON (exit {done.returncode}):\n{done.stdout}{done.stderr}"
        ) from exc
    report["exit_code"] = done.returncode
    report["stderr"] = meaningful_stderr(done.stderr)
    return report


def list_buckets(
    exe: Path, config_dir: Path, profile: str, env: Mapping[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), "--config-dir", str(config_dir), "--list-buckets", profile],
        capture_output=True,
        text=True,
        env=dict(env),
        timeout=60,
    )


@dataclass
class GuiRun:
    still_running: bool
    exit_code: int | None
    stderr: list[str] = field(default_factory=list)


def run_gui_briefly(
    exe: Path, config_dir: Path, env: Mapping[str, str], seconds: float = GUI_UP_SECONDS
) -> GuiRun:
    """Start the windowed app, check it is still up after ``seconds``, then end it."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(
            [str(exe), "--config-dir", str(config_dir)], stdout=out, stderr=err, env=dict(env)
        )
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        still_running = process.poll() is None
        if still_running:
            process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    return GuiRun(
        still_running=still_running,
        exit_code=None if still_running else process.returncode,
        stderr=meaningful_stderr(stderr),
    )


def time_startup(exe: Path, config_dir: Path, env: Mapping[str, str]) -> float:
    """Seconds from launching the process until it reports its main window shown."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(exe), "--startup-probe", "--config-dir", str(config_dir)],
            stdout=subprocess.PIPE,
            stderr=err,
            env=dict(env),
            text=True,
        )
        assert process.stdout is not None
        # A window that never paints would leave the loop below waiting forever.
        watchdog = threading.Timer(STARTUP_TIMEOUT_S, process.kill)
        watchdog.start()
        elapsed = None
        try:
            for line in process.stdout:
                if line.strip() == STARTUP_MARKER:
                    elapsed = time.perf_counter() - started
                    break
        finally:
            watchdog.cancel()
            process.stdout.close()
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise BuildError("the app did not exit after --startup-probe") from None
        err.seek(0)
        problems = meaningful_stderr(err.read().decode("utf-8", "replace"))
    if elapsed is None or code != 0 or problems:
        raise BuildError(
            f"--startup-probe: exit {code}, marker {'seen' if elapsed else 'not seen'}, "
            f"stderr: {problems}"
        )
    return elapsed


def write_profiles(config_dir: Path, profiles: Sequence[Any]) -> None:
    from xacct_gui.core.store import ProfileStore

    ProfileStore(config_dir).save(profiles)


# --- smoke test -----------------------------------------------------------------------


@dataclass
class SmokeResult:
    passed: bool
    lines: list[str]
    startup_runs: list[float] = field(default_factory=list)

    @property
    def startup_median(self) -> float | None:
        return statistics.median(self.startup_runs) if self.startup_runs else None


def smoke_test(exe: Path, *, startup_runs: int = STARTUP_RUNS) -> SmokeResult:
    """Self-test, list buckets against the demo emulator, keep the GUI up, time start-up."""
    from xacct_gui.demo import DemoAws

    lines: list[str] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="xacct-smoke-") as tmp, DemoAws() as demo:
        config_dir = Path(tmp) / "config"
        env = frozen_env(
            {
                "AWS_ENDPOINT_URL": demo.endpoint_url,
                "AWS_CONFIG_FILE": demo.config_file,
                "AWS_SHARED_CREDENTIALS_FILE": demo.credentials_file,
            }
        )
        report = run_self_test(exe, config_dir, env)
        if report["exit_code"] != 0 or not report.get("ok") or report["stderr"]:
            failures.append(f"--self-test: {report.get('problems')} {report['stderr']}")
        else:
            keyring = report["keyring"]["backend"]
            lines.append(
                f"self-test ok: Qt {report['qt']['qt']} ({report['qt']['platform']}), "
                f"models {', '.join(report['botocore']['services'])}, keyring {keyring}"
            )

        write_profiles(config_dir, demo.profiles)
        profile = next(p for p in demo.profiles if p.name == EXTERNAL_ID_PROFILE)
        expected = set(demo.buckets_by_account[profile.account_id])
        done = list_buckets(exe, config_dir, profile.name, env)
        got = set(done.stdout.split())
        if done.returncode != 0 or got != expected or meaningful_stderr(done.stderr):
            failures.append(
                f"--list-buckets {profile.name}: exit {done.returncode}, "
                f"{len(got)} of {len(expected)} buckets, stderr {done.stderr.strip()!r}"
            )
        else:
            lines.append(
                f"--list-buckets {profile.name} (ExternalId): {len(got)} buckets, as expected"
            )

        gui = run_gui_briefly(exe, config_dir, env)
        if not gui.still_running or gui.stderr:
            failures.append(
                f"windowed app: running={gui.still_running} exit={gui.exit_code} "
                f"stderr={gui.stderr}"
            )
        else:
            lines.append(f"windowed app stayed up {GUI_UP_SECONDS:.0f}s offscreen, stderr clean")

        runs: list[float] = []
        if startup_runs and not failures:
            try:
                runs = [time_startup(exe, config_dir, env) for _ in range(startup_runs)]
            except BuildError as exc:
                failures.append(str(exc))
    lines += [f"FAILED: {f}" for f in failures]
    return SmokeResult(passed=not failures, lines=lines, startup_runs=runs)


# --- archives -------------------------------------------------------------------------


def disk_usage(path: Path) -> int:
    """Bytes allocated on disk (like `du`), or file sizes where blocks are unknown."""
    paths = [path] if path.is_file() else [p for p in path.rglob("*") if not p.is_dir()]
    total = 0
    for p in paths:
        st = p.lstat()
        blocks = getattr(st, "st_blocks", None)
        total += blocks * 512 if blocks is not None else st.st_size
    return total


def make_archive(variant: xb.Variant, meta: xb.AppMeta) -> list[Path]:
    bundle = xb.bundle_path(variant, meta)
    archive = xb.archive_path(variant, meta)
    archive.unlink(missing_ok=True)
    top = f"{meta.app_name}-{meta.version}"
    if xb.IS_MACOS:
        return _archive_macos(bundle, archive, meta)
    if xb.IS_WINDOWS:
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            files = [bundle] if bundle.is_file() else sorted(bundle.rglob("*"))
            for path in (f for f in files if not f.is_dir()):
                rel = path.name if path == bundle else path.relative_to(bundle).as_posix()
                zf.write(path, f"{top}/{rel}")
        return [archive]
    with tarfile.open(archive, "w:gz", compresslevel=6) as tf:
        if bundle.is_file():
            tf.add(bundle, f"{top}/{xb.EXE_NAME}")
        else:
            tf.add(bundle, top)
        _add_linux_desktop_files(tf, top, meta)
    return [archive]


def _add_linux_desktop_files(tf: tarfile.TarFile, top: str, meta: xb.AppMeta) -> None:
    """The .desktop file, the icon, and a script that installs both for the user."""
    tf.add(xb.RESOURCES / "xacct.desktop", f"{top}/{meta.app_id}.desktop")
    tf.add(xb.ICONS / "xacct-256.png", f"{top}/xacct.png")
    script = LINUX_INSTALLER.read_text(encoding="utf-8")
    script = script.replace("@APP_ID@", meta.app_id).replace("@EXE_NAME@", xb.EXE_NAME)
    data = script.encode("utf-8")
    info = tarfile.TarInfo(f"{top}/install-desktop-entry.sh")
    info.size = len(data)
    info.mode = 0o755
    info.mtime = int(time.time())
    tf.addfile(info, io.BytesIO(data))


def _archive_macos(bundle: Path, archive: Path, meta: xb.AppMeta) -> list[Path]:
    # ditto keeps the .app's symlinks, permissions and extended attributes;
    # Python's zipfile would break the bundle.
    subprocess.run(
        ["ditto", "-c", "-k", "--sequesterRsrc", "--keepParent", str(bundle), str(archive)],
        check=True,
    )
    made = [archive]
    if bundle.suffix == ".app" and shutil.which("hdiutil"):
        dmg = archive.with_suffix(".dmg")
        dmg.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory() as stage:
            shutil.copytree(bundle, Path(stage) / bundle.name, symlinks=True)
            os.symlink("/Applications", Path(stage) / "Applications")
            subprocess.run(
                [
                    *("hdiutil", "create", "-volname", meta.app_name, "-srcfolder", stage),
                    *("-ov", "-format", "UDZO", str(dmg)),
                ],
                check=True,
            )
        made.append(dmg)
    return made


# --- command line ---------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dev.py build", description=__doc__.split("\n")[0])
    parser.add_argument("--onefile", action="store_true", help="one executable, not a folder")
    parser.add_argument(
        "--debug-console", action="store_true", help="keep a console window (Windows) for logs"
    )
    parser.add_argument("--clean", action="store_true", help="drop PyInstaller's caches first")
    parser.add_argument(
        "--runs", type=int, default=STARTUP_RUNS, help="start-up measurements (default 5)"
    )
    parser.add_argument(
        "--team",
        type=Path,
        metavar="FILE",
        help="bake this team file in: with no profiles, the app starts on its sign-in",
    )
    args = parser.parse_args(argv)
    meta = xb.read_app_meta()
    try:
        with build_lock():
            team, org = (None, "")
            if args.team is not None:
                team, org = stage_team_file(args.team)
                log(f'team file checked: {org}; the app will start on "Sign in to {org}"')
            variant = xb.Variant(onefile=args.onefile, console=args.debug_console, team=team)
            build_seconds = build(variant, meta, clean=args.clean)
            exe = xb.executable_path(variant, meta)
            log("smoke-testing the frozen app")
            smoke = smoke_test(exe, startup_runs=args.runs)
            for line in smoke.lines:
                log(line)
            if not smoke.passed:
                raise BuildError("the frozen app failed its smoke test; no archive written")
            started = time.monotonic()
            archives = make_archive(variant, meta)
            archive_seconds = time.monotonic() - started
    except (BuildError, subprocess.CalledProcessError) as exc:
        sys.stderr.write(f"build: error: {exc}\n")
        return 1

    bundle = xb.bundle_path(variant, meta)
    # The targets are for the Linux onedir build; elsewhere the figures are
    # printed for comparison only.
    judged = xb.IS_LINUX and not variant.onefile

    def target(value: float, limit: float, unit: str) -> str:
        if not judged:
            return ""
        return f" (target <= {limit:g} {unit}: {'ok' if value <= limit else 'OVER TARGET'})"

    bundle_mb = disk_usage(bundle) / MB
    print(f"\n{meta.app_name} {meta.version} for {xb.platform_tag()} ({variant.name})")
    print(f"  build:    {build_seconds:.1f} s (PyInstaller), archive {archive_seconds:.1f} s")
    print(
        f"  bundle:   {bundle.relative_to(xb.REPO_ROOT)}  {bundle_mb:.1f} MB on disk"
        + target(bundle_mb, TARGET_BUNDLE_MB, "MB")
    )
    for archive in archives:
        size_mb = archive.stat().st_size / MB
        print(
            f"  archive:  {archive.relative_to(xb.REPO_ROOT)}  {size_mb:.1f} MB"
            + target(size_mb, TARGET_ARCHIVE_MB, "MB")
        )
    if judged:
        import linux_libs

        glibc = linux_libs.required_glibc(p for p in bundle.rglob("*") if p.is_file())
        if glibc:
            print(f"  needs:    glibc >= {glibc[0]}.{glibc[1]} (the oldest Linux it runs on)")
    median = smoke.startup_median
    if median is not None:
        runs = " ".join(f"{r:.3f}" for r in smoke.startup_runs)
        note = " (onefile unpacks itself on every start)" if variant.onefile else ""
        print(
            f"  start-up: {median:.3f} s median of {len(smoke.startup_runs)} runs, process "
            f"start to main window shown, offscreen ({runs}){note}"
            + target(median, TARGET_STARTUP_S, "s")
        )
    if org:
        print(f"  team:     {org} (a first run starts on its sign-in)")
    print("  smoke test: passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
