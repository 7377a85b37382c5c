"""Issue 11, item 15: *Discover accounts in the organisation* works in the demo.

The demo's emulator (moto) holds an AWS Organization managed from Audit's account,
whose role may list it; its member accounts were created through Organizations, each
with an OrganizationAccountAccessRole that may list its buckets. The window is the
one every GUI test drives, against the same seeded emulator ``--demo`` starts.
"""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from tests.gui.conftest import WAIT_MS, switch_and_wait
from xacct_gui.core.discovery import (
    DEFAULT_ROLE_NAME,
    DEFAULT_RULES,
    Account,
    Source,
    build_candidates,
)
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.demo import DemoEnvironment
from xacct_gui.demo.plan import (
    MANAGEMENT_ACCOUNT_NAME,
    ORGANISATION_ACCOUNT,
    ORGANISATION_MEMBERS,
)
from xacct_gui.gui.main_window import MainWindow


@pytest.mark.parametrize("through_audit", [True, False], ids=["chained", "same-source"])
def test_discover_in_the_demo_finds_the_organisation_and_its_roles_work(
    qtbot: QtBot, window: MainWindow, demo_env: DemoEnvironment, through_audit: bool
) -> None:
    seen: list[list[Account]] = []
    members = set(demo_env.organisation.values())

    def pick_all(profile: RoleProfile, accounts: list[Account]) -> list[RoleProfile]:
        seen.append(accounts)
        candidates = build_candidates(
            accounts,
            role_name=DEFAULT_ROLE_NAME,
            rules=DEFAULT_RULES,
            existing=window.profiles,
            source=Source.through(profile) if through_audit else Source.same_as(profile),
        )
        # The management account's own role is Audit's account: the members are enough.
        return [c.profile for c in candidates if c.is_new and c.profile.account_id in members]

    window.role_jobs.run_discovery_dialog = pick_all  # type: ignore[method-assign]
    switch_and_wait(qtbot, window, "Audit")  # may not list buckets: it may list the organisation
    before = len(window.profiles)
    window.action("discover").trigger()
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT_MS)
    found = {a.id: a.name for a in seen[0]}
    assert set(found) == {ORGANISATION_ACCOUNT, *members}  # the management account too
    assert found[ORGANISATION_ACCOUNT] == MANAGEMENT_ACCOUNT_NAME  # not moto's "master"
    assert {found[i] for i in members} == {name for name, _ in ORGANISATION_MEMBERS}
    qtbot.waitUntil(lambda: len(window.profiles) == before + len(members), timeout=WAIT_MS)

    # A discovered role really works (through Audit, or from the demo's source): its
    # buckets show.
    payments = demo_env.organisation["Payments Prod"]
    discovered = next(p for p in window.profiles if p.account_id == payments)
    assert discovered.color == "red"  # the colour rules of discovery
    switch_and_wait(qtbot, window, discovered.name)
    assert window.bucket_model.rowCount() == dict(ORGANISATION_MEMBERS)["Payments Prod"]
