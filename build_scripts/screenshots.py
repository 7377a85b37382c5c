"""Regenerate every README screenshot from the real app, driving the demo.

    python build_scripts/screenshots.py            # light and dark, into resources/screenshots/
    python build_scripts/screenshots.py --scale 2  # the same at 2x (for a look, not the README)

Runs on Qt's offscreen platform unless QT_QPA_PLATFORM says otherwise (an Xvfb
display works too), starts the demo's local AWS emulator, and grabs each window
and dialog as the user sees it: the Fusion style with a light and a dark
palette (xacct_gui/gui/widgets/palettes.py). Light shots are ``NAME.png``, dark
ones ``NAME-dark.png``. Nothing is written outside a temp dir and ``--out``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHOTS = (
    "main-window", "switcher", "denied-role", "empty-state", "profile-dialog",
    "sign-in-keys", "key-editor", "no-keyring", "mfa-code", "discovery",
)  # fmt: skip


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    parser.add_argument("--scale", type=float, default=1.0, help="QT_SCALE_FACTOR to render at")
    parser.add_argument("--only", nargs="*", choices=SHOTS, help="just these shots")
    parser.add_argument("--theme", choices=("light", "dark", "both"), default="both")
    return parser.parse_args(argv)


def memory_keyring() -> object:
    """An in-memory keyring for the shots: the real one is the user's, not the script's."""
    import keyring.backend

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.store.pop((service, username), None)

    return MemoryKeyring()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["xacct-screenshots"])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    args.out.mkdir(parents=True, exist_ok=True)
    themes = ("light", "dark") if args.theme == "both" else (args.theme,)
    wanted = tuple(args.only or SHOTS)
    with demo() as env, tempfile.TemporaryDirectory(prefix="xacct-shots-") as temp:
        for theme in themes:
            shooter = Shooter(env, Path(temp) / theme, theme, args.out, args.scale)
            for name in wanted:
                started = time.perf_counter()
                path = getattr(shooter, name.replace("-", "_"))()
                print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}"
                      f"  ({time.perf_counter() - started:.1f} s)")  # fmt: skip
            shooter.close()
    return 0


@contextmanager
def demo() -> Iterator[object]:
    from xacct_gui.demo import DemoAws

    with DemoAws() as env:
        yield env


class Shooter:
    """One window on the demo, in one theme; each method saves one screenshot."""

    def __init__(self, env: object, config_dir: Path, theme: str, out: Path, scale: float) -> None:
        from PySide6.QtCore import QRect
        from PySide6.QtWidgets import QApplication

        from xacct_gui.core.keys import KeyVault
        from xacct_gui.core.store import ProfileStore, StateStore
        from xacct_gui.demo import DemoEnvironment
        from xacct_gui.gui.main_window import MainWindow
        from xacct_gui.gui.main_window.geometry import first_geometry
        from xacct_gui.gui.widgets.palettes import dark_palette, light_palette
        from xacct_gui.gui.workers import SwitchController

        assert isinstance(env, DemoEnvironment)
        QApplication.setPalette(dark_palette() if theme == "dark" else light_palette())
        self.env = env
        self.theme = theme
        self.out = out
        config_dir.mkdir(parents=True)
        self.keyring = memory_keyring()
        self.vault = KeyVault(config_dir, keyring_backend=lambda: self.keyring)
        store = ProfileStore(config_dir)
        store.save(env.profiles)
        self.controller = SwitchController(env.make_service)
        self.window = MainWindow(
            store=store,
            state=StateStore(config_dir),
            controller=self.controller,
            profiles=env.profiles,
            emulator_endpoint=env.endpoint_url,
            vault=self.vault,
        )
        self.window.set_demo_sandbox(Path(env.config_file))
        # The README's size at 1x (the offscreen platform's screen is small, but nothing
        # is on it); scaled, the size the app itself picks for a 1600×1000 screen.
        if scale == 1.0:
            self.window.setGeometry(QRect(40, 40, 980, 640))
        else:
            self.window.setGeometry(
                first_geometry(QRect(0, 0, int(1600 / scale), int(1000 / scale)))
            )
        self.window.show()
        self.controller.warm_up()
        self.wait(200)

    # --- helpers ---

    def path(self, name: str) -> Path:
        return self.out / (f"{name}.png" if self.theme == "light" else f"{name}-{self.theme}.png")

    def wait(self, ms: int, until: Callable[[], bool] | None = None) -> None:
        from PySide6.QtCore import QCoreApplication, QEventLoop

        deadline = time.perf_counter() + ms / 1000
        while time.perf_counter() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if until is not None and until():
                return
            time.sleep(0.01)
        if until is not None and not until():
            raise TimeoutError("the app did not reach the state to photograph")

    def switch(self, name: str) -> None:
        self.window.switch_to(name)
        self.wait(20_000, lambda: not self.controller.busy and self._settled(name))
        # Regions stream in after the list (GetBucketLocation per bucket): wait for them.
        self.wait(15_000, lambda: all(b.region for b in self.window.bucket_model.buckets()))
        self.wait(300)  # the busy bar hides

    def _settled(self, name: str) -> bool:
        active = self.window.active_profile
        return active is not None and active.name == name and "…" not in self.window.banner.text()

    def save(self, widget: object, name: str) -> Path:
        from PySide6.QtWidgets import QWidget

        assert isinstance(widget, QWidget)
        self.wait(100)
        path = self.path(name)
        widget.grab().save(str(path))
        return path

    def dialog_shot(
        self, make: Callable[[], object], name: str, prepare: Callable[..., None]
    ) -> Path:
        from PySide6.QtWidgets import QDialog

        dialog = make()
        assert isinstance(dialog, QDialog)
        dialog.show()
        prepare(dialog)
        try:
            return self.save(dialog, name)
        finally:
            dialog.close()
            dialog.deleteLater()

    # --- the shots ---

    def main_window(self) -> Path:
        self.switch("Prod")
        return self.save(self.window, "main-window")

    def switcher(self) -> Path:
        """The main window with the switcher's drop-down open, composed into one image."""
        from PySide6.QtCore import QPoint
        from PySide6.QtGui import QPainter

        self.switch("Prod")
        for name in ("Dev", "Test", "Audit", "Prod"):
            self.window.history.touch(name)
        self.window.switcher.set_recent(self.window.history.names)
        self.window.switcher.showPopup()
        popup = self.window.switcher.search_popup()
        self.wait(300)
        shot = self.window.grab()
        # Where the popup opens: under the switcher (offscreen platforms do not always
        # report a popup's global position faithfully).
        switcher = self.window.switcher
        offset = switcher.mapTo(self.window, QPoint(0, switcher.height()))
        painter = QPainter(shot)
        painter.drawPixmap(offset, popup.grab())
        painter.end()
        popup.close()
        path = self.path("switcher")
        shot.save(str(path))
        return path

    def denied_role(self) -> Path:
        self.window.switch_to("Audit")
        self.wait(20_000, lambda: "may not list" in self.window.banner.text())
        return self.save(self.window, "denied-role")

    def empty_state(self) -> Path:
        self.switch("Dev")
        self.window.bucket_panel.filter.setText("no-such-bucket")
        try:
            return self.save(self.window, "empty-state")
        finally:
            self.window.bucket_panel.filter.clear()

    def profile_dialog(self) -> Path:
        from PySide6.QtWidgets import QLineEdit

        from xacct_gui.gui.profile_dialog import ProfileDialog

        def prepare(dialog: ProfileDialog) -> None:
            for name, text in (("nameEdit", "Prod admin"), ("accountEdit", "33333333333"),
                               ("roleEdit", "OrganizationAccountAccessRole")):  # fmt: skip
                edit = dialog.findChild(QLineEdit, name)
                assert edit is not None, name
                edit.setFocus()
                edit.setText(text)
            self.wait(200)

        return self.dialog_shot(
            lambda: ProfileDialog(self.window, taken_names=["Dev", "Test", "Prod", "Audit"]),
            "profile-dialog",
            prepare,
        )

    def _add_key(self) -> None:
        from xacct_gui.core.keys import KeyCredentials, SignInKey

        if not self.vault.list_keys():
            self.vault.save(
                SignInKey(name="alice", mfa_serial="arn:aws:iam::111111111111:mfa/alice"),
                KeyCredentials("AKIAEXAMPLEEXAMPLE12", "ExampleSecretNotRealExampleSecretNotReal"),
            )

    def sign_in_keys(self) -> Path:
        from xacct_gui.gui.keys_dialog import SignInKeysDialog

        self._add_key()
        return self.dialog_shot(
            lambda: SignInKeysDialog(self.window, vault=self.vault, profiles_using=lambda _: []),
            "sign-in-keys",
            lambda dialog: None,
        )

    def key_editor(self) -> Path:
        from xacct_gui.gui.key_editor import KeyEditDialog

        return self.dialog_shot(
            lambda: KeyEditDialog(self.window, vault=self.vault), "key-editor", lambda d: None
        )

    def no_keyring(self) -> Path:
        from keyring.backends import fail

        from xacct_gui.core.keys import KeyVault
        from xacct_gui.gui.key_editor import KeyEditDialog

        vault = KeyVault(Path(tempfile.mkdtemp(prefix="xacct-shots-nokeyring-")), fail.Keyring)
        return self.dialog_shot(
            lambda: KeyEditDialog(self.window, vault=vault), "no-keyring", lambda d: None
        )

    def mfa_code(self) -> Path:
        from xacct_gui.gui.mfa_dialog import MfaCodeDialog

        return self.dialog_shot(
            lambda: MfaCodeDialog(
                self.window, serial="arn:aws:iam::111111111111:mfa/alice", profile_name="Prod"
            ),
            "mfa-code",
            lambda d: None,
        )

    def discovery(self) -> Path:
        """Discover accounts on the demo's organisation, through Audit (who may list it)."""
        from functools import partial

        from xacct_gui.core.discovery import DEFAULT_RULES, Source, discover_accounts
        from xacct_gui.gui.discovery_dialog import DiscoveryDialog

        audit = next(p for p in self.env.profiles if p.name == "Audit")
        found: list[object] = []
        self.controller.run_job(partial(discover_accounts, profile=audit), on_done=found.append)
        self.wait(20_000, lambda: bool(found))
        accounts = found[0]
        assert isinstance(accounts, list)
        return self.dialog_shot(
            lambda: DiscoveryDialog(
                self.window,
                accounts=accounts,
                existing=self.window.profiles,
                sources=[
                    (f"Through “{audit.name}” (role chaining)", Source.through(audit)),
                    (f"Same source as “{audit.name}”: {audit.source_label}", Source.same_as(audit)),
                ],
                rules=DEFAULT_RULES,
                discovered_with=audit.name,
            ),
            "discovery",
            lambda dialog: self.wait(200),
        )

    def close(self) -> None:
        self.window.close()
        self.controller.shutdown()
        self.window.deleteLater()


if __name__ == "__main__":
    sys.exit(main())
