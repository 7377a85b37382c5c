#!/usr/bin/env python3
"""Set up, run and test xacct from a fresh clone with nothing but Python 3.10+.

    python3 build_scripts/dev.py demo [app args]   run the app against the embedded local AWS
    python3 build_scripts/dev.py run [app args]    run the app against your real AWS settings
    python3 build_scripts/dev.py lint              ruff check, ruff format --check, mypy
    python3 build_scripts/dev.py test [pytest args] lint, then pytest
    python3 build_scripts/dev.py build [--onefile] [--debug-console] [--team FILE]
                                                   double-click bundle for this OS + archive
    python3 build_scripts/dev.py bench [args]      benchmarks (build_scripts/bench/)

Every command first makes sure `.venv` at the repository root exists and holds an
editable install with the extras the command needs. Only the standard library is
used here, because this script is what bootstraps everything else.
"""

# No `from __future__ import annotations`: Python 3.6 rejects it at compile time,
# and 3.10+ (all this script supports past the check below) does not need it.
import sys

# Checked before anything else so an old interpreter gets one clear sentence
# instead of an obscure failure later (e.g. in pip or in the package's syntax).
if sys.version_info < (3, 10):  # noqa: UP036 - the whole point is to catch older Pythons
    # Only syntax that 3.6 still parses may appear in this file, or this message
    # would never be reached.
    sys.stderr.write(
        f"xacct needs Python 3.10 or newer; this is Python {sys.version_info[0]}."
        f"{sys.version_info[1]} ({sys.executable}).\n"
        "Run this script with a newer interpreter, e.g. `python3.12 build_scripts/dev.py ...`.\n"
    )
    sys.exit(1)

import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import time
import venv
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
VENV_DIR = REPO_ROOT / ".venv"
# Lives inside .venv so deleting the venv also forgets what was installed into it.
STAMP_FILE = VENV_DIR / "xacct-dev-stamp.json"
# Bump when the meaning of the stamp changes, so old stamps force a reinstall.
STAMP_FORMAT = 1

USAGE = """\
usage: python3 build_scripts/dev.py COMMAND [ARGS...]

commands:
  demo [app args]     install with the "demo" extra, run `python -m xacct_gui --demo`
  run [app args]      base install, run `python -m xacct_gui`
  lint                install with the "dev" extra, run ruff check, ruff format --check,
                      mypy (the app and the benchmarks)
  test [pytest args]  lint, then pytest (extra args go to pytest)
  build [--onefile] [--debug-console] [--clean] [--team FILE]
                      install with the "build" and "demo" extras, build the PyInstaller
                      bundle for this OS into dist/, smoke-test it, print its size and
                      start-up time, write the archive (see docs/packaging.md)
  bench [args]        install with the "dev" extra, run the benchmarks in build_scripts/bench
                      (`bench --help`; `bench switcher` for the switcher and palette)

The virtual environment is .venv at the repository root. pip runs only when
pyproject.toml changed or the command needs an extra that is not installed yet;
delete .venv to start from scratch.
"""


class DevError(Exception):
    """A failure whose message is complete on its own; printed without a traceback."""


def log(message: str) -> None:
    # Flushed because the child processes write straight to the same terminal/CI
    # log and our lines must not show up after theirs.
    print(f"[dev] {message}", flush=True)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV_DIR / "Scripts" / "python.exe"
    return VENV_DIR / "bin" / "python"


def pyproject_hash() -> str:
    try:
        data = (REPO_ROOT / "pyproject.toml").read_bytes()
    except OSError as exc:
        raise DevError(f"cannot read {REPO_ROOT / 'pyproject.toml'}: {exc}") from exc
    return hashlib.sha256(data).hexdigest()


def create_venv() -> None:
    # Debian/Ubuntu strip ensurepip out of the system Python; venv creation would
    # then fail halfway with a message about ensurepip that few people decode.
    if importlib.util.find_spec("ensurepip") is None:
        raise DevError(
            f"{sys.executable} cannot create virtual environments (its 'ensurepip' module "
            "is missing).\nOn Debian/Ubuntu install it with:  sudo apt install python3-venv  "
            f"(or python3.{sys.version_info[1]}-venv), then run this command again."
        )
    if VENV_DIR.exists():
        # The directory is there but has no usable interpreter: made on another OS,
        # by a since-removed Python, or by an interrupted earlier run.
        log(f"{VENV_DIR} exists but has no usable Python; recreating it")
    else:
        log(f"creating {VENV_DIR} with Python {sys.version.split()[0]}")
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV_DIR)
    except (OSError, subprocess.CalledProcessError) as exc:
        # Remove the half-made venv so the next run retries creation instead of
        # finding a python without pip.
        shutil.rmtree(VENV_DIR, ignore_errors=True)
        hint = ""
        if sys.platform.startswith("linux"):
            hint = (
                "\nOn Debian/Ubuntu this usually means the venv package is missing:  "
                f"sudo apt install python3-venv  (or python3.{sys.version_info[1]}-venv)"
            )
        raise DevError(f"could not create the virtual environment {VENV_DIR}: {exc}{hint}") from exc
    if not venv_python().exists():
        raise DevError(f"virtual environment created, but {venv_python()} is missing")


def read_stamp() -> dict[str, object]:
    try:
        data = json.loads(STAMP_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def installed_extras(pyproject: str) -> set[str] | None:
    """The extras recorded for the current pyproject.toml, or None if the install is stale."""
    stamp = read_stamp()
    if stamp.get("format") != STAMP_FORMAT or stamp.get("pyproject") != pyproject:
        return None
    extras = stamp.get("extras")
    if not isinstance(extras, list):
        return None
    return {str(e) for e in extras}


def ensure_venv(extras: Sequence[str]) -> Path:
    """Make .venv hold an editable install with `extras`; return its python."""
    python = venv_python()
    created = not python.exists()
    if created:
        create_venv()

    wanted = set(extras)
    digest = pyproject_hash()
    have = installed_extras(digest)
    if have is not None and wanted <= have:
        log("dependencies up to date, skipping pip (delete .venv to force a reinstall)")
        return python

    # Extras already installed for this same pyproject.toml are kept in the request:
    # pip would not remove them anyway, and recording them keeps `demo` after `test`
    # (or the reverse) from reinstalling each time.
    target = sorted(wanted | (have or set()))
    spec = f".[{','.join(target)}]" if target else "."
    if created:
        reason = "new environment"
    elif not STAMP_FILE.exists():
        reason = "no record of an earlier install"
    elif have is None:
        reason = "pyproject.toml changed"
    else:
        reason = "adding extra " + ", ".join(sorted(wanted - have))
    # Drop the stamp first: if pip fails halfway, the next run must retry.
    STAMP_FILE.unlink(missing_ok=True)

    if created:
        # Once per venv: the pip ensurepip bundles can be years old. Not fatal, since
        # that pip already does editable installs, and if the network is down the
        # install below says so clearly.
        log("upgrading pip")
        if subprocess.call(
            [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], cwd=REPO_ROOT
        ):
            log("warning: could not upgrade pip, continuing with the bundled one")
    log(f'installing -e "{spec}" ({reason})')
    started = time.monotonic()
    run_filtered(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-e", spec],
        "pip install",
    )
    log(f"install finished in {time.monotonic() - started:.1f}s")

    STAMP_FILE.write_text(
        json.dumps({"format": STAMP_FORMAT, "pyproject": digest, "extras": target}, indent=2),
        encoding="utf-8",
    )
    return python


def without_boxed_notices(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` without setuptools' boxed notices (a block between two rows of
    asterisks, e.g. about editable installs): they read like errors to a newcomer
    and ask nothing of them. Everything else passes through unchanged."""
    box: list[str] = []
    for line in lines:
        is_rule = line.strip().startswith("*" * 20)
        if box:
            box.append(line)
            if is_rule:
                box = []  # the closing rule: drop the whole box
            continue
        if is_rule:
            box = [line]
            continue
        if line.strip() == "!!":  # setuptools frames its boxes with these too
            continue
        yield line
    yield from box  # an unclosed "box" was not one: keep it


def run_filtered(cmd: Sequence[str], what: str) -> None:
    """Run ``cmd`` showing its output as it comes, minus boxed notices; on failure the
    whole output is shown again, unfiltered, so nothing needed to fix it is hidden."""
    proc = subprocess.Popen(
        list(cmd), cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    out = proc.stdout
    assert out is not None
    seen: list[str] = []

    def recorded() -> Iterator[str]:
        for line in out:
            seen.append(line)
            yield line

    for line in without_boxed_notices(recorded()):
        sys.stdout.write(line)
        sys.stdout.flush()
    code = proc.wait()
    if code != 0:
        sys.stdout.write("".join(seen))
        raise DevError(f"{what} failed with exit code {code}: {' '.join(cmd)}")


def run_checked(cmd: Sequence[str], what: str) -> None:
    code = subprocess.call(list(cmd), cwd=REPO_ROOT)
    if code != 0:
        raise DevError(f"{what} failed with exit code {code}: {' '.join(cmd)}")


def run_steps(steps: Sequence[tuple[str, list[str]]], env: dict[str, str] | None = None) -> int:
    """Run each (title, command) in order; stop at the first non-zero exit."""
    timings: list[tuple[str, float, int]] = []
    for title, cmd in steps:
        print(f"\n==> {title}", flush=True)
        started = time.monotonic()
        code = subprocess.call(cmd, cwd=REPO_ROOT, env=env)
        elapsed = time.monotonic() - started
        timings.append((title, elapsed, code))
        print(f"<== {title}: {'ok' if code == 0 else f'FAILED (exit {code})'} in {elapsed:.1f}s")
        if code != 0:
            break
    print("\nsummary:")
    for title, elapsed, code in timings:
        print(f"  {'ok  ' if code == 0 else 'FAIL'} {elapsed:6.1f}s  {title}")
    skipped = [title for title, _ in steps[len(timings) :]]
    for title in skipped:
        print(f"  skip          {title}")
    final = next((code for _, _, code in timings if code != 0), 0)
    print("all steps passed" if final == 0 else f"stopped: exit code {final}", flush=True)
    return final


def lint_steps(python: Path) -> list[tuple[str, list[str]]]:
    # `python -m ruff` instead of the ruff executable so the same path works for
    # bin/ and Scripts/ layouts.
    py = str(python)
    return [
        ("ruff check", [py, "-m", "ruff", "check", "."]),
        ("ruff format --check", [py, "-m", "ruff", "format", "--check", "."]),
        # As packages (-p) so mypy names the bench's modules as they import each other
        # (build_scripts.bench.*), although build_scripts itself has no __init__.py.
        (
            "mypy xacct_gui build_scripts.bench",
            [py, "-m", "mypy", "-p", "xacct_gui", "-p", "build_scripts.bench"],
        ),
    ]


def strip_separator(args: list[str]) -> list[str]:
    # Allows `dev.py demo -- --config-dir X`; the app's own parser would otherwise
    # read everything after `--` as positional arguments.
    return args[1:] if args[:1] == ["--"] else args


def cmd_app(args: list[str], *, demo: bool) -> int:
    python = ensure_venv(["demo"] if demo else [])
    cmd = [str(python), "-m", "xacct_gui", *(["--demo"] if demo else []), *strip_separator(args)]
    log("running " + " ".join(cmd[1:]))
    return subprocess.call(cmd, cwd=REPO_ROOT)


def cmd_lint(args: list[str]) -> int:
    if args:
        raise DevError(f"lint takes no arguments (got {' '.join(args)})")
    return run_steps(lint_steps(ensure_venv(["dev"])))


def cmd_test(args: list[str]) -> int:
    python = ensure_venv(["dev"])
    env = dict(os.environ)
    # Tests must run headless (CI has no display); respect an explicit choice,
    # e.g. QT_QPA_PLATFORM=xcb to watch the GUI tests locally.
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    steps = [
        *lint_steps(python),
        # The real clients of tests/interop (AWS CLI, aesr-config), installed into
        # .cache/interop once and reused; it only reports, the tests judge.
        ("interop clients", [str(python), "-m", "tests.interop.tools"]),
        ("pytest", [str(python), "-m", "pytest", *strip_separator(args)]),
    ]
    # pytest exit code 5 ("no tests collected") is non-zero and so fails the run,
    # which is intended: an empty suite must not pass CI.
    return run_steps(steps, env=env)


def cmd_build(args: list[str]) -> int:
    # "demo" brings the local AWS emulator the smoke test runs the frozen app against.
    python = ensure_venv(["build", "demo"])
    cmd = [str(python), str(REPO_ROOT / "build_scripts" / "build.py"), *strip_separator(args)]
    log("running " + " ".join(cmd[1:]))
    return subprocess.call(cmd, cwd=REPO_ROOT)


def cmd_bench(args: list[str]) -> int:
    python = ensure_venv(["dev"])
    # The package's directory is runnable (its __main__.py), like a script.
    cmd = [str(python), str(REPO_ROOT / "build_scripts" / "bench"), *strip_separator(args)]
    log("running " + " ".join(cmd[1:]))
    return subprocess.call(cmd, cwd=REPO_ROOT)


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    try:
        if command == "demo":
            return cmd_app(rest, demo=True)
        if command == "run":
            return cmd_app(rest, demo=False)
        if command == "lint":
            return cmd_lint(rest)
        if command == "test":
            return cmd_test(rest)
        if command == "build":
            return cmd_build(rest)
        if command == "bench":
            return cmd_bench(rest)
        sys.stderr.write(f"dev.py: unknown command {command!r}\n\n{USAGE}")
        return 2
    except DevError as exc:
        sys.stderr.write(f"dev.py: error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        # The child got the same Ctrl+C; exit like a shell does, without a traceback.
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
