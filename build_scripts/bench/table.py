"""Section ``table``, in this process: 10,000 and 100,000 buckets through the window's own
model and view; load, sort by each column (as a header click does), type a name
prefix key by key, and apply looked-up regions (regions.py)."""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QTableView

from build_scripts.bench import regions
from build_scripts.bench.harness import FRAME_MS, LOAD_SORT_100K_MS, BenchError, Report, median_ms
from build_scripts.bench.probe import plain_table_probe_ms, probe_text
from build_scripts.bench.window_harness import open_window, qt_app, settle
from build_scripts.bench.worlds import make_buckets
from xacct_gui.core.aws import AwsService
from xacct_gui.core.prepared_buckets import PreparedBuckets
from xacct_gui.gui.bucket_model import COL_CREATED, COL_NAME, COL_REGION

SECTION = "table"
COLUMN_NAMES = {COL_NAME: "Name", COL_CREATED: "Created", COL_REGION: "Region"}
# Each column's first sort computes its keys: measured first, as a user meets it.
SORTS = (
    (COL_CREATED, Qt.SortOrder.DescendingOrder),
    (COL_CREATED, Qt.SortOrder.AscendingOrder),
    (COL_REGION, Qt.SortOrder.AscendingOrder),
    (COL_REGION, Qt.SortOrder.DescendingOrder),
    (COL_NAME, Qt.SortOrder.DescendingOrder),
    (COL_NAME, Qt.SortOrder.AscendingOrder),
)
TYPED_CHARACTERS = 12


def no_service() -> AwsService:
    # Only warm_up() uses it (to list AWS CLI profiles); the table bench never switches.
    return AwsService(
        endpoint_url="http://127.0.0.1:9", config_file=os.devnull, credentials_file=os.devnull
    )


def bench_table_in_process(report: Report, sizes: Sequence[int]) -> None:
    """Load, sort and filter through the window's own model and view."""
    section = SECTION
    app = qt_app()
    probe_ms = plain_table_probe_ms()
    with open_window(no_service, []) as (window, _):
        # The widgets by their object names, as the GUI tests find them.
        table = window.findChild(QTableView, "bucketTable")
        edit = window.findChild(QLineEdit, "bucketFilter")
        if table is None or edit is None:
            raise BenchError("the window lacks bucketTable or bucketFilter")
        settle(app)
        model = window.bucket_model
        for size in sizes:
            label = f"{size // 1000}k"
            print(f"[table] {size:,} buckets", flush=True)
            buckets = make_buckets(size)
            table.sortByColumn(COL_NAME, Qt.SortOrder.AscendingOrder)
            model.clear()
            settle(app)
            gc.collect()
            # What the worker hands over (core/prepared_buckets.py), made off the GUI thread.
            started = time.perf_counter()
            prepared = PreparedBuckets(buckets)
            prepare = time.perf_counter() - started

            started = time.perf_counter()
            model.set_buckets(prepared)  # sorted by name on the way in, as the view asks
            app.processEvents()
            load = time.perf_counter() - started
            if model.rowCount() != size:
                raise BenchError(f"the view shows {model.rowCount()} of {size} rows")

            sorts: dict[int, float] = {}
            for column, order in SORTS:
                started = time.perf_counter()
                table.sortByColumn(column, order)  # what a header click does
                app.processEvents()
                sorts[column] = max(sorts.get(column, 0.0), time.perf_counter() - started)

            # Type the first characters of a bucket name in the middle of the list.
            needle = buckets[size // 2].name[:TYPED_CHARACTERS]
            keystrokes: list[float] = []
            edit.setFocus()
            for char in needle:
                started = time.perf_counter()
                QTest.keyClicks(edit, char)
                app.processEvents()
                keystrokes.append(time.perf_counter() - started)
            if edit.text() != needle or model.rowCount() < 1:
                raise BenchError(f"typing {needle!r} left {model.rowCount()} rows")
            clear_started = time.perf_counter()
            edit.clear()
            app.processEvents()
            clear = time.perf_counter() - clear_started

            report.info(
                section,
                f"{label}: load into the model and paint",
                f"{load * 1000:.1f} ms",
                floor=f"prepared on the worker first: {prepare * 1000:.1f} ms",
            )
            for column in (COL_NAME, COL_CREATED, COL_REGION):
                report.info(
                    section,
                    f"{label}: sort by {COLUMN_NAMES[column]} (slower order)",
                    f"{sorts[column] * 1000:.1f} ms",
                )
            worst_sort = max(sorts.values())
            if size >= 100_000:
                report.at_most(
                    section,
                    f"{label}: load + slowest sort",
                    (load + worst_sort) * 1000,
                    LOAD_SORT_100K_MS,
                    "ms",
                )
            keystroke_text = (
                f"median {median_ms(keystrokes):.1f} ms over {len(keystrokes)} keys; "
                f"clearing {clear * 1000:.1f} ms; {probe_text(probe_ms)}"
            )
            if size <= 10_000:
                report.at_most(
                    section,
                    f"{label}: filter keystroke, slowest",
                    max(keystrokes) * 1000,
                    FRAME_MS,
                    "ms",
                    floor=keystroke_text,
                )
            else:
                report.info(
                    section,
                    f"{label}: filter keystroke, slowest",
                    f"{max(keystrokes) * 1000:.1f} ms",
                    floor=keystroke_text,
                )
            regions.bench_batches(report, section, app, model, buckets, label)
            model.clear()
            del buckets, prepared
