"""Pure core work (an import of 20,000 profiles) runs off the GUI thread."""

from __future__ import annotations

from pytestqt.qtbot import QtBot


def test_core_work_runs_off_the_gui_thread_while_it_paints(qtbot: QtBot) -> None:
    import threading
    import time

    from PySide6.QtCore import QTimer

    from xacct_gui.gui.threads import run_off_gui_thread

    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)

    def work() -> str:
        time.sleep(0.4)
        return threading.current_thread().name

    assert run_off_gui_thread(work) == "core-work"
    timer.stop()
    assert len(ticks) >= 5  # the GUI thread's timers kept firing meanwhile


def test_a_preview_of_twenty_thousand_profiles_opens_quickly(qtbot: QtBot) -> None:
    import time

    from tests.unit.test_import_scale import COUNT, config_text
    from xacct_gui.core.importers import preview_aws_config
    from xacct_gui.gui.import_dialog import ImportDialog

    items = preview_aws_config(config_text(COUNT), [])
    started = time.perf_counter()
    dialog = ImportDialog(None, items=items, title="Import")
    qtbot.addWidget(dialog)
    # It took 17 s (a swatch painted per row, every row sized to its notes); ~0.8 s now.
    assert time.perf_counter() - started < 5
    assert len(dialog.selected()) == COUNT
