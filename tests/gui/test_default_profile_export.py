"""An imported profile named "default" never takes over the AWS CLI's default profile."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from tests.factories import make_profile
from xacct_gui.core.default_profile import default_takeover
from xacct_gui.gui.export_dialog import ExportDialog


def test_writing_a_default_profile_into_the_aws_config_is_refused(
    qtbot: QtBot, tmp_path: Path
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile work]\nregion = eu-west-1\n")
    before = config.read_bytes()
    dialog = ExportDialog(
        None,
        profiles=[make_profile("default", source_profile="work"), make_profile("Prod")],
        config_path=config,
        initial_format="aws-config",
    )
    qtbot.addWidget(dialog)
    dialog.show()
    notes = dialog.findChild(QLabel, "exportNotes")
    assert notes is not None and notes.isVisible()
    assert "WARNING" in notes.text() and '"default"' in notes.text()
    dialog.confirm_write = lambda plan: pytest.fail("must not ask")  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.write_button, Qt.MouseButton.LeftButton)
    assert config.read_bytes() == before
    assert dialog.last_backup is None


def test_the_check_names_both_spellings_of_the_default_section() -> None:
    assert default_takeover(["profile Dev", "default"]) is not None
    assert default_takeover(["profile default"]) is not None
    assert default_takeover(["profile Dev", "profile defaults"]) is None
