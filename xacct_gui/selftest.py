"""``--self-test``: is this installation (frozen or not) complete enough to work?

Prints one JSON report and returns 0 only when every part is good:

* ``app``: version, app id, Python, whether this is a frozen bundle;
* ``botocore``: the model files of every service the app calls are present and
  load, a client of each can be created (that needs the endpoint rule sets and
  ``partitions.json``/``endpoints.json``), and the CA bundle exists;
* ``keyring``: the backend keyring picks, whether this OS's native backend
  is registered (a bundle without keyring's entry-point metadata silently falls
  back to "no keyring"), or ``"not installed"``, and whether it can store secrets
  now (``ok`` is false for the "fail" backend and a locked Secret Service);
* ``config``: the config dir, whether the app can write there, the profile file;
* ``qt``: Qt and PySide6 versions, the platform plugin in use (whatever
  ``QT_QPA_PLATFORM`` says), the bundled platform plugins, the window icon.

No network call is made and no file is written. Qt comes last because a
platform plugin that cannot start aborts the process.

``--startup-probe`` (hidden) is here too: it prints :data:`STARTUP_MARKER` once
the main window has painted, then closes the window the way a user would. The
build command times process start to marker to measure start-up.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from xacct_gui import APP_ID, APP_NAME, __version__
from xacct_gui.core.keys import keyring_status

# The botocore services the app calls: STS and S3 directly, SSO and SSO-OIDC when a
# source profile signs in with IAM Identity Center, Organizations to list accounts.
# build_scripts/xacct_bundle.py parses this tuple: only these models go into a bundle.
REQUIRED_SERVICES = ("sts", "s3", "sso", "sso-oidc", "organizations")
# Operations (and paginators) of each model the app relies on.
REQUIRED_OPERATIONS: dict[str, tuple[str, ...]] = {
    "sts": ("AssumeRole", "GetCallerIdentity"),
    "s3": ("ListBuckets",),
    "sso": ("GetRoleCredentials",),
    "sso-oidc": ("CreateToken",),
    "organizations": ("ListAccounts",),
}
REQUIRED_PAGINATORS: dict[str, tuple[str, ...]] = {
    "s3": ("list_buckets",),
    "organizations": ("list_accounts",),
}
# Shared data every client needs, at the top of botocore's data dir.
BOTOCORE_SHARED_DATA = ("endpoints", "partitions", "sdk-default-configuration", "_retry")
# keyring's entry-point name for the keyring each OS provides.
NATIVE_KEYRINGS = {"linux": "SecretService", "darwin": "macOS", "win32": "Windows"}
# Any region works: the clients are only created, never called.
_REGION = "us-east-1"

STARTUP_MARKER = "xacct-startup-probe: main window shown"

Report = dict[str, Any]


def run_self_test(config_dir: Path, out: TextIO | None = None) -> int:
    report = build_report(config_dir)
    print(json.dumps(report, indent=2), file=out or sys.stdout, flush=True)
    return 0 if report["ok"] else 1


def build_report(config_dir: Path) -> Report:
    sections: dict[str, Callable[[], Report]] = {
        "botocore": check_botocore,
        "keyring": check_keyring,
        "config": lambda: check_config(config_dir),
        "qt": check_qt,  # last: a platform plugin that fails to start aborts the process
    }
    report: Report = {"ok": True, "app": app_info()}
    problems: list[str] = []
    for name, check in sections.items():
        try:
            section = check()
        except Exception as exc:  # the report must come out whatever breaks
            section = {"ok": False, "problems": [f"{type(exc).__name__}: {exc}"]}
        report[name] = section
        problems += [f"{name}: {p}" for p in section.get("problems", [])]
    report["problems"] = problems
    report["ok"] = all(report[name]["ok"] for name in sections)
    return report


def app_info() -> Report:
    return {
        "name": APP_NAME,
        "id": APP_ID,
        "version": __version__,
        "frozen": bool(getattr(sys, "frozen", False)),
        "python": platform.python_version(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "executable": sys.executable,
        "team": bundled_team(),
    }


def bundled_team() -> str | None:
    """The organisation of the team file baked in by ``dev.py build --team``, if any."""
    from xacct_gui.core.sso.team import TeamFileError, bundled_team_file, read_team_file

    path = bundled_team_file()
    if path is None:
        return None
    try:
        return read_team_file(path).instance.name
    except TeamFileError as exc:
        return f"unusable: {exc}"


# --- botocore ---


def check_botocore() -> Report:
    import botocore
    import botocore.session
    from botocore.httpsession import get_cert_path

    data_dir = Path(botocore.__file__).parent / "data"
    problems: list[str] = []
    shared = {name: _data_file(data_dir / name) for name in BOTOCORE_SHARED_DATA}
    problems += [f"missing {name}.json in {data_dir}" for name, f in shared.items() if f is None]

    session = botocore.session.Session()
    # The report is about this installation, not about the user's AWS files.
    session.set_config_variable("config_file", os.devnull)
    session.set_config_variable("credentials_file", os.devnull)
    services = {name: _check_service(session, data_dir, name) for name in REQUIRED_SERVICES}
    for name, service in services.items():
        problems += [f"{name}: {p}" for p in service.pop("problems")]

    ca_bundle = get_cert_path(True)
    if not (isinstance(ca_bundle, str) and os.path.isfile(ca_bundle)):
        problems.append(f"CA bundle not found: {ca_bundle}")
    return {
        "ok": not problems,
        "version": botocore.__version__,
        "data_dir": str(data_dir),
        "shared_data": {name: f is not None for name, f in shared.items()},
        "services": services,
        "ca_bundle": ca_bundle,
        "problems": problems,
    }


def _data_file(stem: Path) -> Path | None:
    """botocore reads ``name.json`` or ``name.json.gz``."""
    for candidate in (stem.with_name(stem.name + ".json"), stem.with_name(stem.name + ".json.gz")):
        if candidate.is_file():
            return candidate
    return None


def _check_service(session: Any, data_dir: Path, name: str) -> Report:
    problems: list[str] = []
    result: Report = {"ok": False, "api_version": None, "files": [], "endpoint": None}
    try:
        model = session.get_service_model(name)
    except Exception as exc:
        problems.append(f"model does not load: {type(exc).__name__}: {exc}")
        result["problems"] = problems
        return result
    result["api_version"] = model.api_version
    model_dir = data_dir / name / model.api_version
    if model_dir.is_dir():
        result["files"] = sorted(p.name for p in model_dir.iterdir())
    missing = [op for op in REQUIRED_OPERATIONS.get(name, ()) if op not in model.operation_names]
    if missing:
        problems.append(f"model lacks {', '.join(missing)}")
    try:
        client = session.create_client(
            name,
            region_name=_REGION,
            aws_access_key_id="AKIAXACCTSELFTEST000",
            aws_secret_access_key="self-test-not-a-secret",
        )
        result["endpoint"] = client.meta.endpoint_url
        for paginator in REQUIRED_PAGINATORS.get(name, ()):
            if not client.can_paginate(paginator):
                problems.append(f"no paginator for {paginator}")
    except Exception as exc:
        problems.append(f"cannot create a client: {type(exc).__name__}: {exc}")
    result["ok"] = not problems
    result["problems"] = problems
    return result


# --- keyring ---


def check_keyring() -> Report:
    try:
        import keyring
    except ImportError:
        required = keyring_required()
        return {
            "ok": not required,
            "backend": "not installed",
            "problems": ["keyring is a dependency but is not installed"] if required else [],
        }
    platform_key = "linux" if sys.platform.startswith("linux") else sys.platform
    native = NATIVE_KEYRINGS.get(platform_key)
    entry_points = {ep.name: ep for ep in importlib.metadata.entry_points(group="keyring.backends")}
    problems: list[str] = []
    native_loads = False
    if native is not None:
        if native not in entry_points:
            problems.append(
                f"the {native} backend is not registered (keyring's entry points are missing)"
            )
        else:
            try:
                entry_points[native].load()
                native_loads = True
            except Exception as exc:
                problems.append(f"the {native} backend does not load: {type(exc).__name__}: {exc}")
    backend = keyring.get_keyring()
    # The keyring must be usable now: the "fail" backend (no keyring service, as on
    # headless machines) and a locked Secret Service collection are problems, since
    # sign-in keys and Identity Center sign-ins cannot be stored.
    status = keyring_status(backend)
    if not status.usable:
        problems.append(f"the keyring cannot store secrets: {status.reason}")
    return {
        "ok": not problems,
        "version": getattr(keyring, "__version__", None) or _dist_version("keyring"),
        "backend": f"{type(backend).__module__}.{type(backend).__qualname__}",
        "usable": status.usable,
        "locked": status.locked,
        "registered_backends": sorted(entry_points),
        "native_backend": native,
        "native_backend_loads": native_loads,
        "problems": problems,
    }


def _dist_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def keyring_required() -> bool:
    """Whether this installation of the app declares keyring as a dependency."""
    try:
        requirements = importlib.metadata.requires("xacct-gui") or []
    except importlib.metadata.PackageNotFoundError:
        return False
    return any(
        re.match(r"keyring\b", r, re.IGNORECASE) and "extra ==" not in r for r in requirements
    )


# --- config dir ---


def check_config(config_dir: Path) -> Report:
    from xacct_gui.core.store import ProfileStore

    config_dir = Path(config_dir)
    problems: list[str] = []
    existing = config_dir
    while not existing.exists() and existing.parent != existing:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        problems.append(f"{existing} is a file, not a directory")
    writable = existing.is_dir() and os.access(existing, os.W_OK | os.X_OK)
    if not writable:
        problems.append(f"cannot write to {existing}")
    loaded = ProfileStore(config_dir).load()
    problems += list(loaded.problems)
    return {
        "ok": not problems,
        "dir": str(config_dir),
        "exists": config_dir.is_dir(),
        "writable": writable,
        "profiles": len(loaded.profiles),
        "problems": problems,
    }


# --- Qt ---


def check_qt() -> Report:
    import PySide6
    from PySide6.QtCore import QLibraryInfo, qVersion

    plugins_dir = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    platforms_dir = plugins_dir / "platforms"
    bundled = (
        sorted(_plugin_stem(p.name) for p in platforms_dir.glob("*") if p.is_file())
        if platforms_dir.is_dir()
        else []
    )
    result: Report = {
        "ok": False,
        "qt": qVersion(),
        "pyside": PySide6.__version__,
        "platform": None,
        "style": None,
        "platform_plugins": bundled,
        "window_icon": False,
        "collation": False,
    }
    problems: list[str] = []
    if not bundled:
        problems.append(f"no platform plugins in {platforms_dir}")
    result["collation"] = _collation_works()
    if not result["collation"]:
        problems.append("locale-aware sorting is broken (Qt's collation data is missing)")
    if _no_display():
        problems.append(
            "no display to start Qt on (DISPLAY / WAYLAND_DISPLAY unset); "
            "set QT_QPA_PLATFORM=offscreen to test without one"
        )
        result["problems"] = problems
        return result

    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication

    from xacct_gui.app import RESOURCES

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    result["platform"] = app.platformName()
    style = app.style()
    result["style"] = style.name() if style is not None else None
    icon = RESOURCES / "icons" / "xacct-256.png"
    result["window_icon"] = not QPixmap(str(icon)).isNull()
    if not result["window_icon"]:
        problems.append(f"window icon missing or unreadable: {icon}")
    result["ok"] = not problems
    result["problems"] = problems
    return result


def _collation_works() -> bool:
    """Sorting by the user's language works: on Linux this needs ICU's collation data.

    "apple" before "Banana" needs a real collator (code points put "B" first), and
    Swedish sorts "ö" after "z" where English puts it with "o": that needs the
    language's tailoring, not just the root order.
    """
    from PySide6.QtCore import QCollator, QLocale

    english = QCollator(QLocale("en_US"))
    swedish = QCollator(QLocale("sv_SE"))
    return (
        english.compare("apple", "Banana") < 0
        and english.compare("\u00f6", "z") < 0
        and swedish.compare("z", "\u00f6") < 0
    )


def _plugin_stem(filename: str) -> str:
    stem = filename.split(".", 1)[0]
    return stem[3:] if stem.startswith("lib") else stem


def _no_display() -> bool:
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


# --- start-up probe ---


def install_startup_probe(out: TextIO | None = None) -> None:
    """Print :data:`STARTUP_MARKER` when the main window first paints, then close it.

    Creates the QApplication the app will then reuse, and watches the application's
    events until the first paint of a main window.
    """
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    stream = out or sys.stdout
    app = QApplication.instance() or QApplication(sys.argv[:1])

    class StartupProbe(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and isinstance(watched, QMainWindow):
                app.removeEventFilter(self)
                print(STARTUP_MARKER, file=stream, flush=True)
                QTimer.singleShot(0, watched.close)
            return False

    # Parented to the app, so it lives as long as the app does.
    app.installEventFilter(StartupProbe(app))
