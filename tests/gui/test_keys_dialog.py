"""The sign-in keys dialogs against a real KeyVault and an in-memory keyring backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
)
from pytestqt.qtbot import QtBot

from tests.gui.test_profile_dialog import child, click, key_click, type_text
from tests.memory_keyring import MemoryKeyring
from xacct_gui.core.keys import KEYRING_SERVICE, KeyCredentials, KeyVault, SignInKey
from xacct_gui.gui.key_editor import SESSION_ONLY_TEXT, KeyEditDialog
from xacct_gui.gui.keys_dialog import STORAGE_KEYRING, STORAGE_SESSION, SignInKeysDialog

ACCESS_KEY_1 = "AKIAIOSFODNN7EXAMPLE"
SECRET_1 = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCESS_KEY_2 = "AKIAI44QH8DHBEXAMPLE"
SECRET_2 = "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"
MFA = "arn:aws:iam::111111111111:mfa/alice"


def stored_secrets(backend: MemoryKeyring) -> str:
    return " ".join(backend.entries.values())


def files_holding(root: Path, *needles: str) -> list[Path]:
    """Every file under ``root`` whose bytes contain any of ``needles``."""
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(needle.encode() in data for needle in needles):
                found.append(path)
    return found


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    return tmp_path / "config"


@pytest.fixture
def backend() -> MemoryKeyring:
    return MemoryKeyring()


@pytest.fixture
def vault(config_dir: Path, backend: MemoryKeyring) -> KeyVault:
    return KeyVault(config_dir, keyring_backend=lambda: backend)


@pytest.fixture
def fail_vault(config_dir: Path) -> KeyVault:
    failing = keyring.backends.fail.Keyring()  # type: ignore[no-untyped-call]
    return KeyVault(config_dir, keyring_backend=lambda: failing)


class Recorder:
    """Stands in for the dialog's seams: records confirmations, answers as told."""

    def __init__(self) -> None:
        self.confirmations: list[tuple[str, str]] = []
        self.answer = True
        self.usage: dict[str, list[str]] = {}

    def confirm(self, title: str, text: str) -> bool:
        self.confirmations.append((title, text))
        return self.answer

    def profiles_using(self, name: str) -> list[str]:
        return list(self.usage.get(name, []))


Fill = Callable[[KeyEditDialog], None]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def make_keys_dialog(
    qtbot: QtBot, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> Callable[[KeyVault], SignInKeysDialog]:
    def make(vault: KeyVault) -> SignInKeysDialog:
        dialog = SignInKeysDialog(vault=vault, profiles_using=recorder.profiles_using)
        qtbot.addWidget(dialog)
        monkeypatch.setattr(dialog, "confirm", recorder.confirm)
        dialog.show()
        qtbot.waitExposed(dialog)
        return dialog

    return make


def use_editor(
    qtbot: QtBot,
    dialog: SignInKeysDialog,
    vault: KeyVault,
    monkeypatch: pytest.MonkeyPatch,
    fill: Fill,
) -> list[KeyEditDialog]:
    """Replace the modal editor with a shown, non-modal one that ``fill`` drives."""
    opened: list[KeyEditDialog] = []

    def run(existing: SignInKey | None) -> tuple[SignInKey, KeyCredentials] | None:
        editor = KeyEditDialog(dialog, vault=vault, existing=existing)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        opened.append(editor)
        fill(editor)
        accepted = editor.result() == QDialog.DialogCode.Accepted
        return editor.value() if accepted else None

    monkeypatch.setattr(dialog, "run_key_editor", run)
    return opened


def field(editor: QDialog, name: str) -> QLineEdit:
    return child(editor, QLineEdit, name)


def fill_key(
    qtbot: QtBot,
    editor: KeyEditDialog,
    *,
    name: str | None = "Work",
    access_key: str = ACCESS_KEY_1,
    secret: str = SECRET_1,
    mfa: str | None = None,
    session_only: bool = False,
    ok: bool = True,
) -> None:
    if name is not None:
        type_text(qtbot, field(editor, "keyNameEdit"), name)
    type_text(qtbot, field(editor, "accessKeyIdEdit"), access_key)
    type_text(qtbot, field(editor, "secretKeyEdit"), secret)
    if mfa is not None:
        type_text(qtbot, field(editor, "keyMfaSerialEdit"), mfa)
    check = child(editor, QCheckBox, "sessionOnlyCheck")
    if check.isChecked() != session_only:
        click(qtbot, check)
    if ok:
        click(qtbot, editor.ok_button)


def rows(dialog: SignInKeysDialog) -> list[list[str]]:
    tree = child(dialog, QTreeWidget, "keyList")
    result = []
    for index in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(index)
        assert item is not None
        result.append([item.text(column) for column in range(tree.columnCount())])
    return result


def button(dialog: QDialog, name: str) -> QPushButton:
    return child(dialog, QPushButton, name)


def select(dialog: SignInKeysDialog, name: str) -> None:
    dialog.select_key(name)
    selected = dialog.selected_key()
    assert selected is not None
    assert selected.name == name


def add_stored_key(vault: KeyVault, name: str = "Work", mfa: str | None = None) -> None:
    vault.save(SignInKey(name, mfa), KeyCredentials(ACCESS_KEY_1, SECRET_1))


# --- adding ---


def test_add_puts_the_secret_in_the_keyring_and_not_on_disk(
    qtbot: QtBot,
    vault: KeyVault,
    backend: MemoryKeyring,
    config_dir: Path,
    tmp_path: Path,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make_keys_dialog(vault)
    assert rows(dialog) == []
    assert child(dialog, QLabel, "emptyKeysNote").isVisible()
    opened = use_editor(qtbot, dialog, vault, monkeypatch, lambda e: fill_key(qtbot, e, mfa=MFA))

    with qtbot.waitSignal(dialog.changed):
        click(qtbot, button(dialog, "addKeyButton"))

    assert rows(dialog) == [["Work", STORAGE_KEYRING, MFA]]
    assert not child(dialog, QLabel, "emptyKeysNote").isVisible()
    assert dialog.selected_key() == SignInKey("Work", MFA)
    assert SECRET_1 in stored_secrets(backend)
    assert list(backend.entries) == [(KEYRING_SERVICE, "sign-in-key:Work")]
    assert vault.credentials("Work") == KeyCredentials(ACCESS_KEY_1, SECRET_1)
    # The index of names exists (the scan is not vacuous) but holds no secret.
    assert "Work" in (config_dir / "sign-in-keys.json").read_text(encoding="utf-8")
    assert files_holding(tmp_path, SECRET_1, ACCESS_KEY_1) == []
    # The editor's secret field was emptied once the key was handed over.
    assert field(opened[0], "secretKeyEdit").text() == ""
    assert not field(opened[0], "secretKeyEdit").isUndoAvailable()


def test_the_real_editor_runs_modally_and_forgets_the_secret(
    qtbot: QtBot,
    vault: KeyVault,
    backend: MemoryKeyring,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
) -> None:
    dialog = make_keys_dialog(vault)
    modal_flags: list[bool] = []
    secret_after: list[str] = []
    attempts = 0

    def poll() -> None:
        nonlocal attempts
        attempts += 1
        modal = QApplication.activeModalWidget()
        if isinstance(modal, KeyEditDialog):
            modal_flags.append(modal.isModal())
            secret = field(modal, "secretKeyEdit")
            fill_key(qtbot, modal)
            secret_after.append(secret.text())
        elif attempts < 200:
            QTimer.singleShot(10, poll)
        else:  # never leave exec() blocking the suite
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, KeyEditDialog):
                    widget.reject()
            pytest.fail("the key editor never became the modal window")

    QTimer.singleShot(0, poll)
    click(qtbot, button(dialog, "addKeyButton"))

    assert modal_flags == [True]
    assert secret_after == [""]
    assert rows(dialog) == [["Work", STORAGE_KEYRING, "—"]]
    assert SECRET_1 in stored_secrets(backend)


def test_editor_validates_inline_and_hides_the_secret(qtbot: QtBot, vault: KeyVault) -> None:
    add_stored_key(vault, "Work")
    editor = KeyEditDialog(vault=vault)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    secret = field(editor, "secretKeyEdit")

    assert secret.echoMode() == QLineEdit.EchoMode.Password
    assert not editor.ok_button.isEnabled()
    assert not child(editor, QLabel, "keyringWarning").isVisible()
    check = child(editor, QCheckBox, "sessionOnlyCheck")
    assert check.isEnabled() and not check.isChecked()
    assert check.text() == SESSION_ONLY_TEXT

    fill_key(qtbot, editor, name="work", access_key="AKIA123", secret="short", ok=False)
    assert "already" in child(editor, QLabel, "nameError").text()
    assert child(editor, QLabel, "access_key_idError").isVisible()
    assert "AKIA" in child(editor, QLabel, "access_key_idError").text()
    assert "30-128" in child(editor, QLabel, "secret_access_keyError").text()
    assert set(editor.errors()) == {"name", "access_key_id", "secret_access_key"}
    assert not editor.ok_button.isEnabled()

    type_text(qtbot, field(editor, "keyMfaSerialEdit"), "short")
    assert child(editor, QLabel, "mfa_serialError").isVisible()
    field(editor, "keyMfaSerialEdit").selectAll()
    key_click(qtbot, field(editor, "keyMfaSerialEdit"), Qt.Key.Key_Delete)
    assert not child(editor, QLabel, "mfa_serialError").isVisible()  # optional

    # Stray spaces from a paste are not part of an ID or a secret.
    fill_key(qtbot, editor, name="Home", access_key=f" {ACCESS_KEY_2} ", secret=f"{SECRET_2} ")
    assert editor.result() == QDialog.DialogCode.Accepted
    assert editor.value() == (SignInKey("Home"), KeyCredentials(ACCESS_KEY_2, SECRET_2))
    assert secret.text() == ""


def test_cancelling_the_editor_empties_the_secret(qtbot: QtBot, vault: KeyVault) -> None:
    editor = KeyEditDialog(vault=vault)
    qtbot.addWidget(editor)
    editor.show()
    fill_key(qtbot, editor, ok=False)

    key_click(qtbot, field(editor, "secretKeyEdit"), Qt.Key.Key_Escape)

    assert editor.result() == QDialog.DialogCode.Rejected
    assert field(editor, "secretKeyEdit").text() == ""
    assert not field(editor, "secretKeyEdit").isUndoAvailable()
    with pytest.raises(RuntimeError):
        editor.value()


def test_session_only_with_a_working_keyring_stays_in_memory(
    qtbot: QtBot,
    vault: KeyVault,
    backend: MemoryKeyring,
    tmp_path: Path,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make_keys_dialog(vault)
    use_editor(qtbot, dialog, vault, monkeypatch, lambda e: fill_key(qtbot, e, session_only=True))

    click(qtbot, button(dialog, "addKeyButton"))

    assert rows(dialog) == [["Work", STORAGE_SESSION, "—"]]
    assert backend.entries == {}
    assert vault.credentials("Work") == KeyCredentials(ACCESS_KEY_1, SECRET_1)
    assert files_holding(tmp_path, SECRET_1) == []


# --- replacing ---


def test_replace_asks_for_the_secret_again_and_updates_the_keyring(
    qtbot: QtBot,
    vault: KeyVault,
    backend: MemoryKeyring,
    tmp_path: Path,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_stored_key(vault, "Work", MFA)
    dialog = make_keys_dialog(vault)
    assert not button(dialog, "replaceKeyButton").isEnabled()
    select(dialog, "Work")
    assert button(dialog, "replaceKeyButton").isEnabled()
    seen: dict[str, Any] = {}

    def fill(editor: KeyEditDialog) -> None:
        seen["title"] = editor.windowTitle()
        seen["name"] = field(editor, "keyNameEdit").text()
        seen["mfa"] = field(editor, "keyMfaSerialEdit").text()
        seen["id"] = field(editor, "accessKeyIdEdit").text()
        seen["secret"] = field(editor, "secretKeyEdit").text()
        seen["ok"] = editor.ok_button.isEnabled()
        fill_key(qtbot, editor, name=None, access_key=ACCESS_KEY_2, secret=SECRET_2)

    use_editor(qtbot, dialog, vault, monkeypatch, fill)
    click(qtbot, button(dialog, "replaceKeyButton"))

    assert seen == {
        "title": "Replace sign-in key Work",
        "name": "Work",
        "mfa": MFA,
        "id": "",
        "secret": "",  # never pre-filled: the secret is not shown again
        "ok": False,
    }
    assert vault.credentials("Work") == KeyCredentials(ACCESS_KEY_2, SECRET_2)
    assert SECRET_2 in stored_secrets(backend)
    assert SECRET_1 not in stored_secrets(backend)
    assert rows(dialog) == [["Work", STORAGE_KEYRING, MFA]]
    assert files_holding(tmp_path, SECRET_1, SECRET_2) == []


def test_renaming_a_key_in_use_warns_first(
    qtbot: QtBot,
    vault: KeyVault,
    backend: MemoryKeyring,
    recorder: Recorder,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_stored_key(vault, "Work")
    recorder.usage["Work"] = ["Dev"]
    dialog = make_keys_dialog(vault)
    select(dialog, "Work")
    use_editor(qtbot, dialog, vault, monkeypatch, lambda e: fill_key(qtbot, e, name="Office"))

    recorder.answer = False
    click(qtbot, button(dialog, "replaceKeyButton"))
    assert [k.name for k in vault.list_keys()] == ["Work"]
    _title, text = recorder.confirmations[0]
    assert "Profile Dev uses the key “Work” and will stop working" in text

    recorder.answer = True
    click(qtbot, button(dialog, "replaceKeyButton"))
    assert [k.name for k in vault.list_keys()] == ["Office"]
    assert list(backend.entries) == [(KEYRING_SERVICE, "sign-in-key:Office")]


# --- deleting ---


def test_delete_names_the_profiles_that_use_the_key(
    qtbot: QtBot,
    vault: KeyVault,
    backend: MemoryKeyring,
    config_dir: Path,
    recorder: Recorder,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
) -> None:
    add_stored_key(vault, "Work")
    recorder.usage["Work"] = ["Dev", "Prod"]
    dialog = make_keys_dialog(vault)
    assert not button(dialog, "deleteKeyButton").isEnabled()
    select(dialog, "Work")

    recorder.answer = False
    click(qtbot, button(dialog, "deleteKeyButton"))
    assert len(backend.entries) == 1
    assert rows(dialog) == [["Work", STORAGE_KEYRING, "—"]]

    recorder.answer = True
    with qtbot.waitSignal(dialog.changed):
        click(qtbot, button(dialog, "deleteKeyButton"))

    titles = [title for title, _ in recorder.confirmations]
    assert titles == ["Delete sign-in key", "Delete sign-in key"]
    text = recorder.confirmations[-1][1]
    assert "Profiles Dev, Prod use this key and will stop working" in text
    assert "“Work”" in text
    assert backend.entries == {}
    assert vault.list_keys() == []
    assert rows(dialog) == []
    assert "Work" not in (config_dir / "sign-in-keys.json").read_text(encoding="utf-8")
    assert not button(dialog, "deleteKeyButton").isEnabled()


def test_delete_of_an_unused_key_does_not_talk_of_profiles(
    qtbot: QtBot,
    vault: KeyVault,
    recorder: Recorder,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
) -> None:
    add_stored_key(vault, "Work")
    dialog = make_keys_dialog(vault)
    select(dialog, "Work")

    click(qtbot, button(dialog, "deleteKeyButton"))

    ((_title, text),) = recorder.confirmations
    assert "Profile" not in text
    assert "removed from the keyring" in text
    assert vault.list_keys() == []


# --- no usable keyring ---


def test_without_a_keyring_only_session_keys_are_offered(
    qtbot: QtBot,
    fail_vault: KeyVault,
    tmp_path: Path,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    writes: list[tuple[str, ...]] = []
    failing = fail_vault._get_backend()  # the vault's own backend instance
    real_set = failing.set_password

    def spy(*args: str) -> None:
        writes.append(args)
        real_set(*args)

    monkeypatch.setattr(failing, "set_password", spy)
    dialog = make_keys_dialog(fail_vault)
    assert "no keyring service was found" in child(dialog, QLabel, "keyringStatus").text()
    seen: dict[str, Any] = {}

    def fill(editor: KeyEditDialog) -> None:
        warning = child(editor, QLabel, "keyringWarning")
        seen["warning"] = warning.isVisible()
        seen["text"] = warning.text()
        fill_key(qtbot, editor, ok=False)
        seen["ok before"] = editor.ok_button.isEnabled()
        editor.accept()  # a direct accept() is refused as well
        seen["accepted early"] = editor.result() == QDialog.DialogCode.Accepted
        click(qtbot, child(editor, QCheckBox, "sessionOnlyCheck"))
        seen["ok after"] = editor.ok_button.isEnabled()
        click(qtbot, editor.ok_button)

    use_editor(qtbot, dialog, fail_vault, monkeypatch, fill)
    click(qtbot, button(dialog, "addKeyButton"))

    assert seen["warning"]
    assert "no keyring service was found on this computer" in seen["text"]
    assert "xacct never writes secrets to a file" in seen["text"]
    assert seen["ok before"] is False
    assert seen["accepted early"] is False
    assert seen["ok after"] is True
    assert rows(dialog) == [["Work", STORAGE_SESSION, "—"]]
    assert fail_vault.credentials("Work") == KeyCredentials(ACCESS_KEY_1, SECRET_1)
    assert writes == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_a_refused_save_is_shown_in_the_dialog(
    qtbot: QtBot,
    fail_vault: KeyVault,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make_keys_dialog(fail_vault)
    error = child(dialog, QLabel, "keyError")
    assert not error.isVisible()

    # The editor would not allow this; a caller of the seam still gets a clear message.
    monkeypatch.setattr(
        dialog,
        "run_key_editor",
        lambda existing: (SignInKey("Work"), KeyCredentials(ACCESS_KEY_1, SECRET_1)),
    )
    click(qtbot, button(dialog, "addKeyButton"))

    assert error.isVisible()
    assert "never writes secrets to a file" in error.text()
    assert SECRET_1 not in error.text()
    assert rows(dialog) == []

    # The next successful change clears the message.
    monkeypatch.setattr(
        dialog,
        "run_key_editor",
        lambda existing: (
            SignInKey("Work", session_only=True),
            KeyCredentials(ACCESS_KEY_1, SECRET_1),
        ),
    )
    click(qtbot, button(dialog, "addKeyButton"))
    assert not error.isVisible()
    assert rows(dialog) == [["Work", STORAGE_SESSION, "—"]]


def test_cancelled_editor_changes_nothing(
    qtbot: QtBot,
    vault: KeyVault,
    backend: MemoryKeyring,
    make_keys_dialog: Callable[[KeyVault], SignInKeysDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make_keys_dialog(vault)

    def cancel(editor: KeyEditDialog) -> None:
        fill_key(qtbot, editor, ok=False)
        editor.reject()

    use_editor(qtbot, dialog, vault, monkeypatch, cancel)
    with qtbot.assertNotEmitted(dialog.changed):
        click(qtbot, button(dialog, "addKeyButton"))

    assert rows(dialog) == []
    assert backend.entries == {}
    assert not child(dialog, QLabel, "keyError").isVisible()
