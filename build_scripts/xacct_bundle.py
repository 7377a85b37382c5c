"""What the PyInstaller spec, the build command and the frozen smoke test share.

Importing this module needs only the standard library: the app's metadata is
*parsed* out of ``xacct_gui/__init__.py`` and ``xacct_gui/selftest.py`` (never
imported), and PyInstaller is imported inside the few functions that run in
the spec. Everything that decides *what goes into the bundle* lives here, so
the spec stays a short, readable recipe.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import os
import platform
import re
import struct
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = REPO_ROOT / "xacct_gui"
SPEC_FILE = REPO_ROOT / "build_scripts" / "xacct.spec"
RESOURCES = REPO_ROOT / "resources"
ICONS = RESOURCES / "icons"
DIST_DIR = REPO_ROOT / "dist"
WORK_DIR = REPO_ROOT / "build" / "pyinstaller"
# Same name as the `gui-scripts` entry point and the .desktop file's Exec/TryExec.
EXE_NAME = "xacct-gui"
# Where app.py looks for the window icon: `<package dir>/../resources/icons`, which
# in a bundle is the bundle's data dir (sys._MEIPASS).
BUNDLED_ICON = ("resources/icons/xacct-256.png", "resources/icons")

IS_WINDOWS = sys.platform == "win32"
IS_MACOS = sys.platform == "darwin"
IS_LINUX = sys.platform.startswith("linux")

# --- what the bundle may contain -------------------------------------------------

# The only Qt bindings the app imports (xacct_gui/gui, app.py, selftest.py).
# QtNetwork: the local socket of "one window per config dir" (gui/single_instance.py).
QT_MODULES = ("QtCore", "QtGui", "QtNetwork", "QtWidgets")

# Qt plugins, by plugin directory. A directory not named here is left out entirely
# (image formats, icon engines, TLS, network information, GL integrations, EGL/KMS,
# SQL, print support, QML tooling...). Within a directory, None keeps every plugin,
# otherwise only the named ones (file name without "lib" prefix and extension).
QT_PLUGINS: dict[str, frozenset[str] | None] = {
    "platforms": frozenset(
        {
            "qxcb",  # X11
            "qwayland",  # Wayland (Qt >= 6.7 has one plugin)
            "qwayland-generic",  # Wayland, older Qt 6 layout
            "qoffscreen",  # headless: tests, CI, --self-test on a server
            "qminimal",  # headless fallback
            "qwindows",  # Windows
            "qcocoa",  # macOS
        }
    ),
    # The native widget style: Windows 11/Vista look, macOS Aqua.
    "styles": None,
    # Light/dark colour scheme and fonts from the desktop via the XDG portal; the
    # GTK3 theme is left out because it drags GTK, Cairo and Pango into the bundle.
    "platformthemes": frozenset({"qxdgdesktopportal"}),
    # Dead keys / compose sequences, and IBus input methods (CJK, emoji).
    "platforminputcontexts": frozenset(
        {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"}
    ),
    "wayland-shell-integration": frozenset({"xdg-shell"}),
    # Window decorations when the compositor does not draw them (GNOME). Not
    # "adwaita": it needs QtSvg, which nothing else in the app uses.
    "wayland-decoration-client": frozenset({"bradient"}),
}

# Windows DLLs for OpenGL rendering that PyInstaller's Qt hook adds (see limit_qt_collection).
OPENGL_DLL_RE = re.compile(r"opengl32sw\.dll|libegl\.dll|libglesv2\.dll|d3dcompiler_\d+\.dll")

# Packages that belong to tests, the demo or development and must never ship.
# They are excluded from the analysis; the spec also fails the build should one
# of them (or anything under them) show up anyway.
DEV_ONLY_PACKAGES = (
    "moto",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "werkzeug",
    "flask",
    "flask_cors",
    "mypy",
    "mypy_boto3_s3",
    "mypy_boto3_sts",
    "ruff",
    "responses",
    "docker",
    "jsonschema",
    "cfnlint",
    "pydantic",
    "PyInstaller",
)
# Modules of the app that only the demo / development uses. `--demo` in a frozen
# app then says the emulator is not installed, as it does for a pip install
# without the "demo" extra.
APP_EXCLUDES = ("xacct_gui.demo",)
# Standard-library parts the app never reaches.
STDLIB_EXCLUDES = ("tkinter", "_tkinter", "turtle", "pydoc_data", "idlelib", "lib2to3")


def qt_plugin_wanted(plugin_dir: str, filename: str) -> bool:
    """Whether the Qt plugin ``<plugin_dir>/<filename>`` belongs in the bundle."""
    if plugin_dir not in QT_PLUGINS:
        return False
    keep = QT_PLUGINS[plugin_dir]
    return keep is None or plugin_stem(filename) in keep


def plugin_stem(filename: str) -> str:
    """Plugin name from its file: ``libqxcb.so``, ``qwindows.dll``, ``libqcocoa.dylib``
    -> ``qxcb``, ``qwindows``, ``qcocoa``."""
    stem = filename.split(".", 1)[0]
    return stem[3:] if stem.startswith("lib") else stem


def botocore_data_wanted(dest: str, services: Iterable[str]) -> bool:
    """Whether a botocore data file (its path inside the bundle) is needed.

    botocore keeps shared data (endpoints.json, partitions.json, _retry.json,
    sdk-default-configuration.json) at the top of ``botocore/data`` and one
    directory per service: ``<service>/<api-version>/service-2.json.gz`` plus the
    endpoint rule set, paginators, waiters and ``*.sdk-extras.json`` that are
    merged into the model. Examples only serve documentation.
    """
    parts = dest.replace("\\", "/").split("/")
    if parts[:2] != ["botocore", "data"]:
        return True
    rest = parts[2:]
    if len(rest) == 1:  # shared data at the top
        return True
    return rest[0] in set(services) and not rest[-1].startswith("examples-")


def is_qt_translation(dest: str) -> bool:
    return "/translations/" in dest.replace("\\", "/") and dest.endswith(".qm")


# --- app metadata (parsed, never imported) ----------------------------------------


def read_constants(path: Path, names: Iterable[str]) -> dict[str, Any]:
    """Literal module-level assignments ``NAME = <literal>`` from a Python file."""
    wanted = set(names)
    found: dict[str, Any] = {}
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name) and target.id in wanted:
                found[target.id] = ast.literal_eval(value)
    missing = wanted - found.keys()
    if missing:
        raise ValueError(f"{path}: no literal value for {', '.join(sorted(missing))}")
    return found


@dataclass(frozen=True)
class AppMeta:
    version: str
    app_id: str
    app_name: str

    @property
    def numeric_version(self) -> tuple[int, int, int, int]:
        """``0.1.0`` / ``1.2.3rc1`` -> ``(0, 1, 0, 0)`` / ``(1, 2, 3, 0)`` for Windows and macOS."""
        numbers = [int(n) for n in re.findall(r"\d+", self.version.split("+")[0])[:3]]
        numbers += [0] * (4 - len(numbers))
        return (numbers[0], numbers[1], numbers[2], numbers[3])


def read_app_meta() -> AppMeta:
    values = read_constants(PACKAGE_DIR / "__init__.py", ("__version__", "APP_ID", "APP_NAME"))
    return AppMeta(
        version=str(values["__version__"]),
        app_id=str(values["APP_ID"]),
        app_name=str(values["APP_NAME"]),
    )


def bundled_team_name() -> str:
    """The file name the app looks for in its resources: one name, kept in the app."""
    found = read_constants(PACKAGE_DIR / "core" / "sso" / "team.py", ("BUNDLED_TEAM_NAME",))
    return str(found["BUNDLED_TEAM_NAME"])


def required_services() -> tuple[str, ...]:
    """The botocore services the app calls: one list, kept in xacct_gui/selftest.py."""
    services = read_constants(PACKAGE_DIR / "selftest.py", ("REQUIRED_SERVICES",))
    return tuple(str(s) for s in services["REQUIRED_SERVICES"])


# --- names and places ---------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """One way of building: onedir or onefile, windowed or with a console."""

    onefile: bool = False
    console: bool = False
    # A checked team file (stage_team_file) baked in as a data file: the app then starts
    # on "Sign in to <org>" when it has no profiles. Same bundle path: it replaces the
    # plain build, and the digest tells the two apart.
    team: Path | None = None

    @property
    def suffix(self) -> str:
        return ("-onefile" if self.onefile else "") + ("-console" if self.console else "")

    @property
    def name(self) -> str:
        """The bundle's folder (onedir) or file (onefile) name, without extension."""
        return EXE_NAME + self.suffix

    @property
    def macos_app(self) -> bool:
        # PyInstaller deprecates onefile .app bundles; a onefile build on macOS is a
        # plain executable for the terminal.
        return IS_MACOS and not self.onefile

    def spec_args(self) -> list[str]:
        return [
            *(["--onefile"] if self.onefile else []),
            *(["--debug-console"] if self.console else []),
            *(["--team", str(self.team)] if self.team else []),
        ]


def exe_suffix() -> str:
    return ".exe" if IS_WINDOWS else ""


def bundle_path(variant: Variant, meta: AppMeta, dist: Path = DIST_DIR) -> Path:
    """What PyInstaller produces: a folder, a .app, or a single executable."""
    if variant.macos_app:
        return dist / f"{meta.app_name}{variant.suffix}.app"
    if variant.onefile:
        return dist / (variant.name + exe_suffix())
    return dist / variant.name


def executable_path(variant: Variant, meta: AppMeta, dist: Path = DIST_DIR) -> Path:
    bundle = bundle_path(variant, meta, dist)
    if variant.macos_app:
        return bundle / "Contents" / "MacOS" / EXE_NAME
    if variant.onefile:
        return bundle
    return bundle / (EXE_NAME + exe_suffix())


def platform_tag() -> str:
    """``linux-x86_64``, ``windows-x86_64``, ``macos-arm64``: the archive's OS and CPU."""
    system = {"win32": "windows", "darwin": "macos"}.get(sys.platform, sys.platform)
    if system.startswith("linux"):
        system = "linux"
    machine = platform.machine().lower()
    machine = {"amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64"}.get(machine, machine)
    return f"{system}-{machine}"


def archive_path(variant: Variant, meta: AppMeta, dist: Path = DIST_DIR) -> Path:
    ext = ".tar.gz" if IS_LINUX else ".zip"
    return dist / f"{meta.app_name}-{meta.version}-{platform_tag()}{variant.suffix}{ext}"


def build_info_path(variant: Variant, dist: Path = DIST_DIR) -> Path:
    """Beside the bundle, never inside it: what was built from which sources."""
    return dist / f"{variant.name}.build.json"


# --- freshness --------------------------------------------------------------------

# Installed distributions whose version changes what ends up in the bundle.
BUNDLED_DISTRIBUTIONS = (
    "pyinstaller",
    "pyinstaller-hooks-contrib",
    "PySide6-Essentials",
    "shiboken6",
    "botocore",
    "platformdirs",
    "keyring",
    "SecretStorage",
    "jeepney",
    "cryptography",
)


def source_files() -> Iterator[Path]:
    yield from sorted(PACKAGE_DIR.rglob("*.py"))
    yield REPO_ROOT / "pyproject.toml"
    yield SPEC_FILE
    yield Path(__file__).resolve()
    yield Path(__file__).resolve().with_name("linux_libs.py")
    yield from sorted(ICONS.glob("*"))
    yield RESOURCES / "xacct.desktop"


def source_digest(variant: Variant) -> str:
    """A hash of everything the bundle is made of: sources, spec, icons, tool versions."""
    digest = hashlib.sha256()
    digest.update(f"variant={variant.suffix};python={sys.version};".encode())
    for dist_name in BUNDLED_DISTRIBUTIONS:
        try:
            version = importlib.metadata.version(dist_name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{dist_name}={version};".encode())
    for path in source_files():
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    if variant.team is not None:
        digest.update(b"team\0" + hashlib.sha256(variant.team.read_bytes()).digest())
    return digest.hexdigest()


def team_datas(team: str | None) -> list[tuple[str, str]]:
    """The spec's data entry for a staged team file: at the top of the bundle's
    resources (``sys._MEIPASS``), under the name the app looks for."""
    if not team:
        return []
    path, name = Path(team), bundled_team_name()
    if path.name != name:
        raise SystemExit(f"xacct.spec: the team file must be staged as {name}")
    return [(str(path), ".")]


# --- used inside the spec (PyInstaller imported lazily) ------------------------------


def pyside6_excludes() -> list[str]:
    """Every PySide6 binding module except the three the app uses."""
    import PySide6

    names = {p.name.split(".", 1)[0] for p in Path(PySide6.__file__).parent.glob("Qt*.*")}
    return sorted(f"PySide6.{n}" for n in names if n not in QT_MODULES and n.isidentifier())


def limit_qt_collection() -> None:
    """Make PyInstaller's Qt hooks collect only wanted plugins and no translations.

    The hooks gather plugins and translations per Qt module, and PyInstaller then
    follows each plugin's shared-library dependencies (the GTK3 theme alone pulls
    in GTK, Cairo and Pango). Filtering afterwards would leave those orphans in,
    so the filter goes into the hooks' own collection step.
    """
    from PyInstaller.utils.hooks import qt

    info_class = qt.QtLibraryInfo
    original_plugins: Callable[..., list[tuple[str, str]]] = info_class.collect_plugins
    original_module: Callable[..., tuple[list[str], list[Any], list[Any]]] = (
        info_class.collect_module
    )
    if getattr(original_plugins, "_xacct_limited", False):
        return

    def collect_plugins(self: Any, plugin_type: str) -> list[tuple[str, str]]:
        if plugin_type not in QT_PLUGINS:
            return []
        return [
            (src, dest)
            for src, dest in original_plugins(self, plugin_type)
            if qt_plugin_wanted(plugin_type, os.path.basename(src))
        ]

    def collect_module(self: Any, module_name: str) -> tuple[list[str], list[Any], list[Any]]:
        hiddenimports, binaries, datas = original_module(self, module_name)
        datas = [(src, dest) for src, dest in datas if not str(src).endswith(".qm")]
        return hiddenimports, binaries, datas

    original_extra: Callable[..., list[tuple[str, str]]] = info_class.collect_extra_binaries

    def collect_extra_binaries(self: Any) -> list[tuple[str, str]]:
        # Windows only: the software OpenGL renderer (opengl32sw.dll, ~20 MB) and
        # ANGLE/D3D compiler DLLs serve OpenGL, which a raster-painted widgets app
        # never uses. ICU DLLs, if a Qt build has them, stay.
        return [
            (src, dest)
            for src, dest in original_extra(self)
            if not OPENGL_DLL_RE.fullmatch(os.path.basename(src).lower())
        ]

    collect_plugins._xacct_limited = True  # type: ignore[attr-defined]
    info_class.collect_plugins = collect_plugins
    info_class.collect_module = collect_module
    info_class.collect_extra_binaries = collect_extra_binaries


def use_strip() -> bool:
    """Strip symbols on Linux (a Python built with debug symbols shrinks by ~17 MB).
    Not on macOS, where it breaks code signatures, nor on Windows, where it does nothing."""
    import shutil

    return IS_LINUX and shutil.which("strip") is not None


def keyring_hiddenimports() -> list[str]:
    """keyring, if installed: PyInstaller's own hook then adds its backends and the
    entry-point metadata keyring uses to find them. Nothing if it is not installed."""
    import importlib.util

    if importlib.util.find_spec("keyring") is None:
        print(
            "xacct.spec: WARNING: keyring is not installed; the bundle cannot keep "
            "sign-in keys in the OS keyring",
            flush=True,
        )
        return []
    return ["keyring"]


def filter_datas(toc: list[Any], services: Iterable[str]) -> list[Any]:
    wanted = tuple(services)
    return [
        entry
        for entry in toc
        if botocore_data_wanted(entry[0], wanted) and not is_qt_translation(entry[0])
    ]


def trim_linux_binaries(binaries: list[Any], workpath: str) -> list[Any]:
    """Leave out desktop libraries the system provides and shrink ICU's data (Linux only).

    See linux_libs.py for why both are safe. A failure to trim ICU is reported and
    the full library kept: the bundle is then bigger, never broken.
    """
    import linux_libs

    dropped = linux_libs.qt_only_system_libraries([tuple(e[:3]) for e in binaries])
    kept: list[Any] = []
    for entry in binaries:
        dest, src, typecode = entry[0], entry[1], entry[2]
        if dest in dropped or (typecode == "SYMLINK" and src in dropped):
            continue
        base = os.path.basename(dest)
        if typecode == "BINARY" and re.fullmatch(r"libicudata\.so\.\d+", base):
            try:
                src = str(linux_libs.trim_icu_library(Path(src), Path(workpath) / "icu"))
            except (linux_libs.TrimError, OSError, ValueError, struct.error) as exc:
                print(f"xacct.spec: WARNING: keeping the full ICU data ({exc})", flush=True)
            entry = (dest, src, typecode)
        kept.append(entry)
    print(
        f"xacct.spec: left out {len(dropped)} system libraries that only Qt uses: "
        + " ".join(sorted(dropped)),
        flush=True,
    )
    return kept


def check_analysis(pure: Iterable[Any], binaries: Iterable[Any], datas: Iterable[Any]) -> None:
    """Fail the build if something that must not ship is about to."""
    problems: list[str] = []
    forbidden = set(DEV_ONLY_PACKAGES) | set(APP_EXCLUDES)
    for entry in pure:
        name = entry[0]
        if any(name == f or name.startswith(f + ".") for f in forbidden):
            problems.append(f"module {name}")
    for entry in binaries:
        dest = entry[0].replace("\\", "/")
        if "/plugins/" in dest and "PySide6/" in dest:
            plugin_dir, filename = dest.split("/plugins/", 1)[1].split("/", 1)
            if not qt_plugin_wanted(plugin_dir, filename):
                problems.append(f"Qt plugin {dest}")
        if OPENGL_DLL_RE.fullmatch(os.path.basename(dest).lower()):
            problems.append(f"OpenGL DLL {dest}")
    for entry in datas:
        if is_qt_translation(entry[0]):
            problems.append(f"Qt translation {entry[0]}")
    if problems:
        shown = "\n  ".join(problems[:20])
        raise SystemExit(
            f"xacct.spec: the bundle would contain {len(problems)} unwanted files:\n  {shown}"
        )


def windows_version_text(meta: AppMeta) -> str:
    """The Windows version resource (Explorer's Properties > Details), in the text form
    PyInstaller's ``EXE(version=<file>)`` reads: a Python expression over the classes
    of ``PyInstaller.utils.win32.versioninfo`` (which need pefile, only on Windows).
    """
    numbers = meta.numeric_version
    strings = {
        "CompanyName": meta.app_name,
        "FileDescription": f"{meta.app_name} - AWS role switcher",
        "FileVersion": ".".join(str(n) for n in numbers),
        "InternalName": EXE_NAME,
        "LegalCopyright": "MIT License",
        "OriginalFilename": EXE_NAME + ".exe",
        "ProductName": meta.app_name,
        "ProductVersion": meta.version,
    }
    structs = ",\n".join(
        f"            StringStruct({key!r}, {value!r})" for key, value in strings.items()
    )
    return (
        "VSVersionInfo(\n"
        f"  ffi=FixedFileInfo(filevers={numbers!r}, prodvers={numbers!r}),\n"
        "  kids=[\n"
        # 0x0409 = U.S. English, 0x04B0 = 1200 = Unicode.
        "    StringFileInfo([\n"
        "        StringTable('040904B0', [\n"
        f"{structs},\n"
        "        ])\n"
        "    ]),\n"
        "    VarFileInfo([VarStruct('Translation', [0x0409, 1200])]),\n"
        "  ],\n"
        ")\n"
    )


def write_windows_version_file(meta: AppMeta, workpath: str) -> str:
    path = Path(workpath) / "version_info.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(windows_version_text(meta), encoding="utf-8")
    return str(path)


def macos_minimum_system_version(default: str = "12.0") -> str:
    """The oldest macOS the bundled Qt runs on, read from the PySide6 wheel's tag.

    ``MACOSX_DEPLOYMENT_TARGET`` wins when set. The Qt libraries are the newest
    requirement in the bundle; the python.org and Homebrew Pythons ask for less.
    """
    if os.environ.get("MACOSX_DEPLOYMENT_TARGET"):
        return os.environ["MACOSX_DEPLOYMENT_TARGET"]
    try:
        wheel = importlib.metadata.distribution("PySide6-Essentials").read_text("WHEEL") or ""
    except importlib.metadata.PackageNotFoundError:
        return default
    versions = [
        (int(major), int(minor)) for major, minor in re.findall(r"macosx_(\d+)_(\d+)_", wheel)
    ]
    if not versions:
        return default
    major, minor = max(versions)
    return f"{major}.{minor}"
