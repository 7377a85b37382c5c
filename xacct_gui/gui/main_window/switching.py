"""The switching flow: the active profile, what the screen shows for it, its Region lookups.

The flow never calls AWS: it asks the :class:`SwitchController` and reacts to
its signals, which always arrive on the GUI thread. See "The path of one
switch" in docs/architecture.md.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from xacct_gui.core.errors import ProfileError
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.banners import MessageBanner
from xacct_gui.gui.main_window.book import ProfileBook
from xacct_gui.gui.main_window.bucket_panel import BucketPanel
from xacct_gui.gui.main_window.prompts import Prompts
from xacct_gui.gui.main_window.recent_history import RecentHistory
from xacct_gui.gui.main_window.status import SessionStatus
from xacct_gui.gui.region_lookup import RegionLookup
from xacct_gui.gui.role_switcher import RoleBanner
from xacct_gui.gui.tray import RoleTray
from xacct_gui.gui.workers import SwitchController, SwitchRequest

if TYPE_CHECKING:  # botocore is imported after the window shows
    from xacct_gui.core.aws import AwsService, SwitchResult

log = logging.getLogger(__name__)

REGION_LOOKUP_DELAY_MS = 50
REFRESH_AFTER_FRAME_MS = 20
# AWS's "denied" codes: after one, the role may still have been assumed (the list was
# what was refused), and the screen then says so instead of "not connected".
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "AccessDeniedError"})


@dataclass(frozen=True)
class SwitchView:
    """Where a switch shows: the banners, the bucket panel, the status bar, the tray."""

    banner: RoleBanner
    error_banner: MessageBanner
    panel: BucketPanel
    status: SessionStatus
    tray: RoleTray


def s3_client_for_lookups(
    service: AwsService, *, profile: RoleProfile, chain: tuple[RoleProfile, ...]
) -> Any:
    """Runs on the worker: the client the Region lookup pool then only calls."""
    return service.role_client(profile, "s3", chain=chain)


def assumed_identity(service: AwsService, *, profile: RoleProfile) -> tuple[str, datetime] | None:
    """Runs on the worker: the role's session if it was assumed (from the cache only,
    never a new AssumeRole), as its ARN and expiry; no credentials leave the worker."""
    session = service.cached_session(profile)
    if session is None:
        return None
    return session.assumed_role_arn, session.expiration


class SwitchFlow(QObject):
    """Starts switches and shows only the active profile's outcome."""

    active_changed = Signal()  # the active profile is another one (or none)

    def __init__(
        self,
        *,
        controller: SwitchController,
        book: ProfileBook,
        history: RecentHistory,
        view: SwitchView,
        prompts: Prompts,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._book = book
        self._history = history
        self._view = view
        self._prompts = prompts
        self._active: RoleProfile | None = None
        self._result: SwitchResult | None = None  # what the table shows
        # Each profile's last result, shown at once when switching back while valid.
        self._last_results: dict[str, SwitchResult] = {}
        self._pending_regions: tuple[RoleProfile, SwitchResult] | None = None
        self._deferred: SwitchRequest | None = None  # a refresh waiting for its frame
        # Regions looked up per profile: shown again at once on a refresh or switch back
        # (a bucket's region never changes), so the column does not blank and refill.
        self._known_regions: dict[str, dict[str, str]] = {}
        self.regions = RegionLookup(self)
        self.regions.found.connect(self._on_regions_found)
        self.regions.failed.connect(self._on_regions_failed)
        controller.switched.connect(self._on_switched)
        controller.switch_failed.connect(self._on_switch_failed)
        controller.mfa_required.connect(self._on_mfa_required)

    @property
    def active(self) -> RoleProfile | None:
        return self._active

    @property
    def result(self) -> SwitchResult | None:
        return self._result

    # --- starting ---

    @Slot(str)
    def choose(self, name: str) -> None:
        """The user chose ``name`` (in the switcher, palette, tray or a shortcut)."""
        profile = self._book.find(name)
        if profile is not None:
            self.start(profile)

    @Slot()
    def refresh(self) -> None:
        if self._active is not None:
            self.start(self._active)

    @Slot()
    def renew_session(self) -> None:
        """Assume the active role again now, even if its session is still valid."""
        if self._active is not None:
            self.start(self._active, renew=True)

    def start(self, profile: RoleProfile, mfa_code: str | None = None, renew: bool = False) -> None:
        switching_account = self._active is None or self._active.name != profile.name
        self._active = profile
        try:
            chain = self._book.chain(profile)
        except ProfileError as exc:  # checked before any network call
            self._deferred = None
            self._controller.cancel()
            self._show_starting(profile, switching_account, None)
            self._fail_on_screen(profile, str(exc))
            return
        request = SwitchRequest(profile, chain, mfa_code, renew)
        # Never leave one account's buckets under another account's colour: show this
        # profile's own last list while it is still valid, else nothing.
        remembered = self._reusable_result(profile) if switching_account else None
        if remembered is None:
            # Sent before the screen changes: AWS answers while the window repaints
            # (~3 ms of banner, table and menus that otherwise delayed every request).
            self._deferred = None
            self._controller.request_switch(request)
        else:
            # The remembered list goes on screen: refresh it once its frame is painted.
            # Sent at once, the worker's request work competed with that frame for the
            # GIL and made it 2-3x slower (build_scripts/bench, switch back).
            self._deferred = request
            QTimer.singleShot(REFRESH_AFTER_FRAME_MS, self._send_deferred)
        self._show_starting(profile, switching_account, remembered)

    def _show_starting(
        self, profile: RoleProfile, switching_account: bool, remembered: SwitchResult | None
    ) -> None:
        if switching_account:
            self.active_changed.emit()
        self._view.error_banner.clear()
        self._view.banner.show_profile(profile, note="switching…")
        if switching_account:
            self._show_result(remembered, f"Switching to {profile.name}…")
        self._history.touch(profile.name)

    @Slot()
    def _send_deferred(self) -> None:
        request, self._deferred = self._deferred, None
        if request is not None and self._active == request.profile:
            self._controller.request_switch(request)

    def profiles_changed(self) -> None:
        """The saved profiles changed: forget results, and the active one if it changed."""
        self._last_results.clear()  # an edit may have changed what a name points to
        self._known_regions.clear()
        if self._active is not None and self._book.find(self._active.name) != self._active:
            # The active profile was edited or deleted: what is on screen no longer matches.
            self._controller.cancel()
            self._active = None
            self.active_changed.emit()
            self._view.error_banner.clear()  # it was about the profile that changed
            self._view.banner.show_profile(None)
            self._show_result(None, "No role selected.")

    def shutdown(self) -> None:
        """On close: the Region lookups stop at their next bucket on their own."""
        self._pending_regions = None
        self._deferred = None
        self.regions.shutdown(wait=False)

    # --- outcomes ---

    def _reusable_result(self, profile: RoleProfile) -> SwitchResult | None:
        result = self._last_results.get(profile.name)
        if result is not None and result.expiration > datetime.now(timezone.utc):
            return result
        return None

    @Slot(object)
    def _on_switched(self, result: SwitchResult) -> None:
        if self._active is None or result.profile_name != self._active.name:
            return
        self._last_results[result.profile_name] = result
        self._view.banner.show_profile(self._active)
        self._show_result(result)
        # Only once the list is on screen: the lookup threads starting up compete with
        # this frame's painting for the GIL (it took ~2x as long).
        self._pending_regions = (self._active, result)
        QTimer.singleShot(REGION_LOOKUP_DELAY_MS, self._look_up_pending_regions)
        if result.notes:
            self._view.status.show_message(" ".join(result.notes), 15_000)

    @Slot(object, str, str)
    def _on_switch_failed(self, profile: RoleProfile, message: str, code: str) -> None:
        if self._active is None or profile.name != self._active.name:
            return
        self._fail_on_screen(profile, message, code)

    @Slot(object, str)
    def _on_mfa_required(self, profile: RoleProfile, serial: str) -> None:
        if self._active is None or profile.name != self._active.name:
            return
        code = self._prompts.ask_mfa_code(serial, profile.name)
        if code:
            self.start(profile, code)
        else:
            self._fail_on_screen(profile, f"An MFA code from {serial} is needed to switch.")

    def _fail_on_screen(self, profile: RoleProfile, message: str, code: str = "") -> None:
        self._show_result(None, "No buckets to show: see the message above.")
        self._view.banner.show_profile(profile, note="not connected")
        self._view.error_banner.show_message(f"{profile.name}: {message}")
        if code in ACCESS_DENIED_CODES:
            self._check_if_signed_in(profile)

    def _check_if_signed_in(self, profile: RoleProfile) -> None:
        """Denied after AssumeRole worked (ListBuckets refused): say what does hold."""
        self._controller.run_job(
            partial(assumed_identity, profile=profile),
            on_done=partial(self._on_identity, profile),
            on_error=lambda message, code: None,  # not signed in: "not connected" holds
        )

    def _on_identity(self, profile: RoleProfile, identity: object) -> None:
        if self._active != profile or self._result is not None or identity is None:
            return
        assert isinstance(identity, tuple)
        arn, expiration = identity
        self._view.banner.show_profile(profile, note="signed in · may not list buckets")
        self._view.status.show_identity(arn, expiration)
        self._view.banner.set_expiration(expiration)
        self._view.panel.show_buckets(None, "This role may not list buckets.")

    def _show_result(self, result: SwitchResult | None, why_none: str = "") -> None:
        self.regions.cancel()
        previous, self._result = self._result, result
        # A refresh of the list on screen keeps the selected rows.
        same_list = (
            previous is not None and result is not None
            and previous.profile_name == result.profile_name
        )  # fmt: skip
        self._view.panel.show_buckets(
            None if result is None else result.buckets, why_none, keep_selection=same_list
        )
        if result is not None:
            known = self._known_regions.get(result.profile_name, {})
            missing: dict[str, str] = {}
            unknown = False  # a bucket whose region is still to be looked up
            for bucket in result.buckets:
                if not bucket.region:
                    if bucket.name in known:
                        missing[bucket.name] = known[bucket.name]
                    else:
                        unknown = True
            if missing:
                self._view.panel.update_regions(missing)
            if unknown:  # looked up after this frame (or after the refresh of it): "…"
                self._view.panel.set_regions_pending(True)
        self._view.status.show_session(result)
        self._view.banner.set_expiration(result.expiration if result else None)
        self._view.tray.set_active(self._active, result.expiration if result else None)

    # --- Region lookups ---

    @Slot()
    def _look_up_pending_regions(self) -> None:
        pending, self._pending_regions = self._pending_regions, None
        if pending is None or pending[1] is not self._result:  # no longer what is shown
            return
        profile, result = pending
        # ListBuckets answers without regions (older APIs, emulators): ask per bucket.
        known = self._known_regions.get(profile.name, {})
        missing = [b.name for b in result.buckets if not b.region and b.name not in known]
        if not missing:
            return
        try:
            chain = self._book.chain(profile)
        except ProfileError:
            self._view.panel.set_regions_pending(False)
            return
        # The client is made on the worker; the lookup pool only calls it.
        self._controller.run_job(
            partial(s3_client_for_lookups, profile=profile, chain=chain),
            on_done=partial(self._start_region_lookup, result, missing),
            on_error=partial(self._on_region_client_failed, result),
            on_mfa=partial(self._on_region_client_needs_mfa, result),
        )

    def _start_region_lookup(self, result: SwitchResult, missing: list[str], client: Any) -> None:
        if result is self._result:  # still what is shown
            self.regions.start(client, missing)

    def _no_lookups(self, result: SwitchResult) -> None:
        if result is self._result:  # not a newer list's "…", which has lookups of its own
            self._view.panel.set_regions_pending(False)

    def _on_region_client_failed(self, result: SwitchResult, message: str, code: str) -> None:
        log.info("no Region lookups: %s (%s)", message, code)
        self._no_lookups(result)

    def _on_region_client_needs_mfa(self, result: SwitchResult, serial: str) -> None:
        log.info("no Region lookups: the session needs a new MFA code from %s", serial)
        self._no_lookups(result)

    @Slot(int, dict)
    def _on_regions_found(self, generation: int, regions: dict[str, str]) -> None:
        if generation == self.regions.generation and self._result is not None:
            self._known_regions.setdefault(self._result.profile_name, {}).update(regions)
            self._view.panel.update_regions(regions)

    @Slot(int, list)
    def _on_regions_failed(self, generation: int, names: list[str]) -> None:
        if generation == self.regions.generation and self._result is not None:
            self._view.panel.regions_failed(names)
