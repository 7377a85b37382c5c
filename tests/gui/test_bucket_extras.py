"""Regions streamed in by GetBucketLocation, bucket ARNs and CSV export, against the demo."""

from __future__ import annotations

import csv
import io
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLineEdit, QTableView
from pytestqt.qtbot import QtBot

from xacct_gui.core.profiles import RoleProfile
from xacct_gui.demo import DemoEnvironment
from xacct_gui.gui.bucket_model import COL_NAME, COL_REGION, REGION_PENDING
from xacct_gui.gui.main_window import MainWindow
from xacct_gui.gui.region_lookup import region_from_location

WAIT_MS = 20_000


@pytest.fixture
def profiles(demo_env: DemoEnvironment) -> tuple[RoleProfile, ...]:
    return demo_env.profiles


def profile(demo_env: DemoEnvironment, name: str) -> RoleProfile:
    return next(p for p in demo_env.profiles if p.name == name)


def regions_shown(win: MainWindow) -> dict[str, str]:
    """Bucket -> the region shown; "" while it is still looked up ("…") or unknown."""
    model = win.bucket_model
    shown = {
        str(model.index(r, COL_NAME).data()): str(model.index(r, COL_REGION).data())
        for r in range(model.rowCount())
    }
    return {name: "" if text == REGION_PENDING else text for name, text in shown.items()}


def test_regions_stream_in_from_get_bucket_location(
    qtbot: QtBot, window: MainWindow, demo_env: DemoEnvironment
) -> None:
    window.switch_to("Prod")
    qtbot.waitUntil(
        lambda: window.bucket_model.rowCount() > 0 and all(regions_shown(window).values()),
        timeout=WAIT_MS,
    )
    shown = regions_shown(window)
    assert len(shown) == len(demo_env.buckets_by_account[profile(demo_env, "Prod").account_id])
    # The truth, asked directly with the same role: every bucket's real region.
    service = demo_env.make_service()
    s3 = service.role_client(profile(demo_env, "Prod"), "s3")
    for name in list(shown)[:20]:
        location = s3.get_bucket_location(Bucket=name).get("LocationConstraint")
        assert shown[name] == region_from_location(location)
    assert len(set(shown.values())) > 1  # the demo spreads buckets over regions


def test_a_switch_drops_region_answers_for_the_previous_account(
    qtbot: QtBot, window: MainWindow, demo_env: DemoEnvironment
) -> None:
    window.switch_to("Prod")
    qtbot.waitUntil(lambda: window.bucket_model.rowCount() > 0, timeout=WAIT_MS)
    window.switch_to("Dev")
    qtbot.waitUntil(
        lambda: (
            set(regions_shown(window))
            == set(demo_env.buckets_by_account[profile(demo_env, "Dev").account_id])
            and all(regions_shown(window).values())
        ),
        timeout=WAIT_MS,
    )
    qtbot.wait(300)  # late Prod answers, if any, arrive now and must be ignored
    assert set(regions_shown(window)) == set(
        demo_env.buckets_by_account[profile(demo_env, "Dev").account_id]
    )


def test_legacy_location_names() -> None:
    assert region_from_location(None) == "us-east-1"
    assert region_from_location("EU") == "eu-west-1"
    assert region_from_location("ap-southeast-2") == "ap-southeast-2"


def test_copy_arn_and_export_filtered_view_as_csv(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window.switch_to("Prod")
    qtbot.waitUntil(lambda: window.bucket_model.rowCount() > 0, timeout=WAIT_MS)
    table = window.findChild(QTableView, "bucketTable")
    assert table is not None
    table.selectRow(0)
    first = window.selected_bucket_names()[0]
    window.bucket_panel.copy_selected_arns()
    assert QGuiApplication.clipboard().text() == f"arn:aws:s3:::{first}"

    edit = window.findChild(QLineEdit, "bucketFilter")
    assert edit is not None
    qtbot.keyClicks(edit, "billing")
    visible = window.bucket_model.rowCount()
    assert 0 < visible < window.bucket_model.total_count()
    target = tmp_path / "out" / "prod.csv"
    monkeypatch.setattr(window.prompts, "choose_csv_path", lambda default: str(target))
    window.bucket_panel.export_csv()
    rows = list(csv.reader(io.StringIO(target.read_text())))
    assert rows[0] == ["Name", "Created", "Region"]
    assert len(rows) == visible + 1
    assert all("billing" in row[0] for row in rows[1:])
    assert all(datetime.fromisoformat(row[1]).tzinfo is not None for row in rows[1:])


def test_every_client_and_assume_role_is_made_on_the_worker(
    qtbot: QtBot, window: MainWindow, demo_env: DemoEnvironment, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The AwsService and its botocore sessions are touched only from the worker thread:
    switches, fresh AssumeRoles and the Region lookups (whose pool only calls a client)."""
    import botocore.session

    from xacct_gui.core.aws import AwsService

    # The worker runs each call on a call thread of its own (core/deadline.py), one at
    # a time: every call is on such a thread, and never two threads inside at once.
    made: list[tuple[str, str]] = []
    inside: dict[int, int] = {}
    overlaps: list[str] = []
    lock = threading.Lock()
    create_client = botocore.session.Session.create_client
    assume_role = AwsService.assume_role

    def recorded(kind: str, call: Any) -> Any:
        me = threading.get_ident()
        with lock:
            made.append((kind, threading.current_thread().name))
            if any(t != me for t in inside):
                overlaps.append(kind)
            inside[me] = inside.get(me, 0) + 1
        try:
            return call()
        finally:
            with lock:
                inside[me] -= 1
                if not inside[me]:
                    del inside[me]

    def recording_create_client(self: Any, service_name: str, *args: Any, **kw: Any) -> Any:
        return recorded(
            f"client {service_name}", lambda: create_client(self, service_name, *args, **kw)
        )

    def recording_assume_role(self: AwsService, *args: Any, **kw: Any) -> Any:
        return recorded("AssumeRole", lambda: assume_role(self, *args, **kw))

    monkeypatch.setattr(botocore.session.Session, "create_client", recording_create_client)
    monkeypatch.setattr(AwsService, "assume_role", recording_assume_role)
    worker: list[str] = []
    window.controller.run_job(
        lambda service: threading.current_thread().name, on_done=worker.append
    )
    qtbot.waitUntil(lambda: bool(worker), timeout=WAIT_MS)

    for name in ("Prod", "Dev", "Prod"):
        buckets = set(demo_env.buckets_by_account[profile(demo_env, name).account_id])
        window.switch_to(name)
        qtbot.waitUntil(
            lambda b=buckets: (
                set(regions_shown(window)) == b and all(regions_shown(window).values())
            ),
            timeout=WAIT_MS,
        )
        window.renew_session()  # a fresh AssumeRole, and a fresh client for the lookups
        qtbot.waitUntil(lambda: not window.controller.busy, timeout=WAIT_MS)

    kinds = {kind for kind, _ in made}
    assert {"AssumeRole", "client s3", "client sts"} <= kinds
    assert worker == ["aws-call"]
    elsewhere = [kind for kind, thread in made if thread != "aws-call"]
    assert elsewhere == [], f"made off the worker's call threads: {elsewhere}"
    assert overlaps == [], f"made on two threads at once: {overlaps}"
