"""ClipboardGuard: a copied secret leaves the clipboard on time, and only if still there."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from xacct_gui.gui.clipboard_guard import (
    DEFAULT_CLEAR_AFTER_MS,
    ClipboardGuard,
    history_hints,
    warning_text,
)

SECRET = "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'\n"
SHORT_MS = 150


def clipboard() -> QClipboard:
    return QGuiApplication.clipboard()


@pytest.fixture
def guard(qtbot: QtBot) -> Iterator[ClipboardGuard]:
    clipboard().clear()
    guard = ClipboardGuard(clear_after_ms=SHORT_MS)
    yield guard
    guard.clear_if_unchanged()
    guard.deleteLater()


def test_a_secret_is_copied_and_cleared_after_the_timeout(
    qtbot: QtBot, guard: ClipboardGuard
) -> None:
    warning = guard.copy_secret(SECRET)
    assert clipboard().text() == SECRET
    assert warning.startswith("The clipboard now holds a secret")
    assert guard.pending
    with qtbot.waitSignal(guard.cleared, timeout=SHORT_MS * 20):
        pass
    assert clipboard().text() == ""
    assert not guard.pending


def test_something_copied_meanwhile_is_left_alone(qtbot: QtBot, guard: ClipboardGuard) -> None:
    guard.copy_secret(SECRET)
    clipboard().setText("the user's own text")
    with qtbot.assertNotEmitted(guard.cleared, wait=SHORT_MS * 4):
        pass
    assert clipboard().text() == "the user's own text"
    assert not guard.pending  # the timer ran and gave up its claim


def test_a_second_copy_restarts_the_minute(qtbot: QtBot, guard: ClipboardGuard) -> None:
    guard.copy_secret("first secret")
    guard.copy_secret(SECRET)
    with qtbot.waitSignal(guard.cleared, timeout=SHORT_MS * 20):
        pass
    assert clipboard().text() == ""


def test_closing_the_window_clears_at_once(guard: ClipboardGuard) -> None:
    guard.copy_secret(SECRET)
    assert guard.clear_if_unchanged() is True
    assert clipboard().text() == ""
    assert guard.clear_if_unchanged() is False  # nothing left to clear


def test_the_warning_shows_in_a_main_windows_status_bar(
    qtbot: QtBot, guard: ClipboardGuard
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    message = guard.copy_secret(SECRET, window)
    assert window.statusBar().currentMessage() == message


def test_the_default_is_a_minute_and_the_warning_says_so() -> None:
    assert DEFAULT_CLEAR_AFTER_MS == 60_000
    assert ClipboardGuard().clear_after_ms == 60_000
    assert warning_text() == (
        "The clipboard now holds a secret: paste it only where you mean to. It will be "
        "cleared in a minute if it still holds it."
    )
    assert "cleared in 5 seconds" in warning_text(5_000)


def test_clipboard_managers_are_asked_to_skip_it(guard: ClipboardGuard) -> None:
    guard.copy_secret(SECRET)
    mime = clipboard().mimeData()
    assert mime is not None and mime.text() == SECRET
    for kind, value in history_hints().items():
        assert bytes(mime.data(kind).data()) == value


@pytest.mark.parametrize(
    ("platform", "expected"),
    [
        (
            "win32",
            {
                'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"',
                'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"',
                'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"',
            },
        ),
        ("linux", {"x-kde-passwordManagerHint"}),
        ("darwin", set()),
    ],
)
def testhistory_hints_per_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str, expected: set[str]
) -> None:
    monkeypatch.setattr(sys, "platform", platform)
    hints = history_hints()
    assert set(hints) == expected
    if platform == "win32":  # the two "Can…" formats are a DWORD 0: "no"
        assert hints['application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"'] == bytes(
            4
        )
