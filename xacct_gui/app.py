"""Composition root: the profile store, the AWS service, the window and clean shutdown.

Start-up order matters for how fast the window appears: Qt and the window
first, botocore later on the worker thread (importing it costs ~0.4 s).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from xacct_gui import APP_ID, APP_NAME, __version__
from xacct_gui.core.keys import KeyVault
from xacct_gui.core.store import LoadResult, ProfileStore, StateStore, remove_stale_temp_files

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget

    from xacct_gui.core.aws import AwsService
    from xacct_gui.demo import DemoAws, DemoEnvironment
    from xacct_gui.demo.approval import DemoIdentityCenter
    from xacct_gui.gui.main_window import MainWindow
    from xacct_gui.gui.workers import SwitchController

log = logging.getLogger(__name__)
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


class DemoUnavailable(RuntimeError):
    pass


class Launch:
    """One run of the app, GUI or headless; :meth:`close` releases what it started."""

    def __init__(
        self, *, config_dir: Path | None, demo: bool, team_file: Path | None = None
    ) -> None:
        self.team_file = team_file
        self._temp_config: tempfile.TemporaryDirectory[str] | None = None
        if config_dir is None:
            # The demo never touches the user's real profiles unless asked to.
            self._temp_config = tempfile.TemporaryDirectory(prefix="xacct-demo-config-")
            config_dir = Path(self._temp_config.name)
        self.config_dir = config_dir
        for directory in (config_dir, config_dir / "sso"):
            remove_stale_temp_files(directory)  # left by a crash in the middle of a save
        self.store = ProfileStore(config_dir)
        self.state = StateStore(config_dir)
        self.vault = KeyVault(config_dir)
        self._demo_requested = demo
        self._demo: DemoAws | None = None
        self._identity_center: DemoIdentityCenter | None = None
        self.demo_env: DemoEnvironment | None = None

    # --- demo ---

    def _start_demo(self) -> DemoEnvironment:
        try:
            from xacct_gui.demo import DemoAws
        except ImportError as exc:
            if getattr(sys, "frozen", False):
                # The downloadable app ships without the emulator to stay small.
                raise DemoUnavailable(
                    "This build does not include the demo's local AWS emulator. Run the demo "
                    "from the source: python3 build_scripts/dev.py demo"
                ) from None
            raise DemoUnavailable(
                "The demo needs the local AWS emulator: install the 'demo' extra "
                f"(pip install 'xacct-gui[demo]'). ({exc})"
            ) from None
        self._demo = DemoAws()
        env = self._demo.start()
        from xacct_gui.demo.approval import start_identity_center

        # The demo's own Identity Center (approval pages on 127.0.0.1), for this run only.
        self._identity_center = start_identity_center(env)
        self.demo_env = dataclasses.replace(
            env, sso_endpoint_url=self._identity_center.endpoint_url
        )
        return self.demo_env

    def _load_profiles(self) -> LoadResult:
        loaded = self.store.load()
        if self.demo_env is None or not self.store.writable:
            return loaded
        names = {p.name.casefold() for p in loaded.profiles}
        missing = [p for p in self.demo_env.profiles if p.name.casefold() not in names]
        if not missing:
            return loaded
        profiles = (*loaded.profiles, *missing)
        self.store.save(profiles)
        return LoadResult(profiles=profiles, problems=loaded.problems)

    def make_service(self) -> AwsService:
        from xacct_gui.core.sso.store import SsoStore

        sso_store = SsoStore(self.config_dir)
        if self.demo_env is not None:
            return self.demo_env.make_service(keys=self.vault, sso_store=sso_store)
        from xacct_gui.core.aws import AwsService

        return AwsService(keys=self.vault, sso_store=sso_store)

    # --- headless ---

    def load_headless(self) -> LoadResult:
        """Start the demo if asked for, then load the profiles for a headless command.

        Raises DemoUnavailable or OSError; :mod:`xacct_gui.cli` prints them as one line.
        """
        if self._demo_requested:
            self._start_demo()
        return self._load_profiles()

    # --- GUI ---

    def run_gui(self) -> int:
        from PySide6.QtGui import QIcon
        from PySide6.QtWidgets import QApplication

        from xacct_gui.gui.single_instance import SingleInstance, activate_running_window

        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        app.setApplicationName(APP_NAME)
        app.setApplicationVersion(__version__)
        app.setDesktopFileName(APP_ID)
        icon = RESOURCES / "icons" / "xacct-256.png"
        if icon.exists():
            app.setWindowIcon(QIcon(str(icon)))

        # One running window per config dir: two would overwrite each other's files.
        self.config_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        instance = SingleInstance(self.config_dir)
        if not instance.acquire():
            answered = activate_running_window(self.config_dir)
            print(
                f"{APP_NAME} is already running for {self.config_dir}"
                + ("; brought its window to the front." if answered else "."),
                file=sys.stderr,
            )
            return 0

        try:
            window, controller = self._demo_window() if self._demo_requested else self._window()
            instance.activation_requested.connect(window.bring_to_front)
            restore_signals = _quit_on_termination_signals(window)
            try:
                return int(app.exec())
            finally:
                restore_signals()
                controller.shutdown()
                window.deleteLater()
                controller.deleteLater()
        finally:
            instance.release()

    def _window(self) -> tuple[MainWindow, SwitchController]:
        from xacct_gui.gui.main_window import MainWindow
        from xacct_gui.gui.workers import SwitchController

        loaded = self._load_profiles()
        controller = SwitchController(self.make_service)
        window = MainWindow(
            store=self.store,
            state=self.state,
            controller=controller,
            profiles=loaded.profiles,
            file_problems=loaded.problems,
            vault=self.vault,
        )
        window.show()
        controller.warm_up()
        self._open_with(window, loaded)
        return window, controller

    def _open_with(self, window: MainWindow, loaded: LoadResult) -> None:
        from xacct_gui.core.ui_state import UiState

        last = UiState(self.state).last_profile
        first = loaded.profiles[0].name if loaded.profiles else None
        start_with = last if any(p.name == last for p in loaded.profiles) else first
        if start_with:
            window.switch_to(start_with)
        team_file = self.team_file
        if team_file is None and not loaded.profiles:
            from xacct_gui.core.sso.team import bundled_team_file

            # An app built for one organisation starts on its sign-in, but only on a
            # first run: once there are profiles, it opens on them like any other.
            team_file = bundled_team_file()
        if team_file is not None:
            from PySide6.QtCore import QTimer

            team = str(team_file)
            # Once the window is up: a bad file shows in its banner and changes nothing.
            QTimer.singleShot(0, window, lambda: window.sso_actions.open_team(team))

    def _demo_window(self) -> tuple[MainWindow, SwitchController]:
        """The window at once, saying the emulator is starting; the emulator starts and
        is seeded on a thread of its own (not the AWS worker: the worker's service must
        be the demo's, made once the emulator is up), then the window fills."""
        from PySide6.QtWidgets import QMessageBox

        from xacct_gui.gui.background import BackgroundStart
        from xacct_gui.gui.main_window import MainWindow
        from xacct_gui.gui.workers import SwitchController

        controller = SwitchController(self.make_service)
        window = MainWindow(
            store=self.store,
            state=self.state,
            controller=controller,
            profiles=(),
            vault=self.vault,
            demo=True,
        )
        window.show()

        def ready(env: object) -> None:
            loaded = self._load_profiles()
            assert self.demo_env is not None
            window.demo_ready(
                self.demo_env.endpoint_url, loaded.profiles, Path(self.demo_env.config_file)
            )
            if loaded.problems:
                window.file_warning.show_message("\n".join(loaded.problems))
            if self.demo_env.sso_endpoint_url:
                from xacct_gui.demo.approval import DEMO_ORG, DEMO_SSO_REGION, DEMO_START_URL

                window.sso_actions.prefill = (DEMO_START_URL, DEMO_SSO_REGION, DEMO_ORG)
            controller.warm_up()
            self._open_with(window, loaded)

        def failed(message: str) -> None:
            window.file_warning.show_message(message)
            QMessageBox.warning(window, "Demo", message)

        starter = BackgroundStart(
            self._start_demo, name="demo-emulator", on_done=ready, on_error=failed, parent=window
        )
        starter.start()
        return window, controller

    def close(self) -> None:
        if self._identity_center is not None:
            self._identity_center.__exit__(None, None, None)
            self._identity_center = None
        if self._demo is not None:
            self._demo.stop()
            self._demo = None
        if self._temp_config is not None:
            with contextlib.suppress(OSError):
                self._temp_config.cleanup()
            self._temp_config = None


def _quit_on_termination_signals(window: QWidget) -> Callable[[], None]:
    """SIGTERM and SIGINT close the window (a clean exit 0) instead of killing the
    process; returns what restores the previous handlers.

    Python runs signal handlers between bytecodes, so a timer wakes the interpreter
    while Qt's event loop waits.
    """
    import signal
    import threading

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def close(_signum: int, _frame: object) -> None:
        window.close()
        QApplication.quit()

    previous = {sig: signal.signal(sig, close) for sig in (signal.SIGTERM, signal.SIGINT)}
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)
    timer.start(200)

    def restore() -> None:
        timer.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
