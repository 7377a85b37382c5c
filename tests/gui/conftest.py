"""The main window against the demo emulator, built one way for every GUI test module.

A module changes what the window holds by overriding ``profiles`` (the saved
profiles) or ``controller`` (how the AWS worker makes its service).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.store import ProfileStore, StateStore
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.bucket_model import COL_NAME
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.workers import SwitchController

WAIT_MS = 15_000


@pytest.fixture
def profiles(demo_env: DemoEnvironment) -> tuple[RoleProfile, ...]:
    """The demo's profiles and one whose role may not be assumed."""
    return (*demo_env.profiles, demo_env.forbidden_profile)


@pytest.fixture
def controller(demo_env: DemoEnvironment) -> Iterator[SwitchController]:
    ctl = SwitchController(demo_env.make_service)
    yield ctl
    ctl.shutdown()  # the window waits only briefly; the test waits it out
    ctl.deleteLater()


@pytest.fixture
def window(
    qtbot: QtBot,
    demo_env: DemoEnvironment,
    controller: SwitchController,
    profiles: tuple[RoleProfile, ...],
    tmp_path: Path,
) -> Iterator[MainWindow]:
    """A shown window whose profiles are saved in ``tmp_path``; closed afterwards."""
    store = ProfileStore(tmp_path)
    store.save(profiles)
    win = MainWindow(
        store=store,
        state=StateStore(tmp_path),
        controller=controller,
        profiles=profiles,
        emulator_endpoint=demo_env.endpoint_url,
    )
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def by_name(profiles: tuple[RoleProfile, ...], name: str) -> RoleProfile:
    return next(p for p in profiles if p.name == name)


def shown_names(win: MainWindow) -> list[str]:
    model = win.bucket_model
    return [str(model.index(row, COL_NAME).data()) for row in range(model.rowCount())]


def switch_and_wait(qtbot: QtBot, win: MainWindow, name: str, timeout: int = WAIT_MS) -> None:
    """Switch to ``name`` and wait until the worker is idle again."""
    with qtbot.waitSignal(
        win.controller.busy_changed, timeout=timeout, check_params_cb=lambda busy: not busy
    ):
        win.switch_to(name)
