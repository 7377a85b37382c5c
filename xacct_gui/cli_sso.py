"""``--sso-sync START_URL --sso-region REGION [--device-code]``: headless Identity Center.

Sign in when no usable session is stored (the browser through :func:`..core.browser.open_url`,
or with ``--device-code`` the verification URL and code on stderr), list every
account and role, then merge them into the profile file (:func:`..core.sso.sync.plan_sync`):
one line per profile added, updated or gone on stdout, exit 0; any failure one line on
stderr, exit 1. The profile file is read again after the (slow) sign-in and listing,
so a window's edits made meanwhile are merged, not overwritten.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from xacct_gui.core.errors import XacctError

if TYPE_CHECKING:
    from xacct_gui.app import Launch
    from xacct_gui.core.sso import DeviceCode, SsoInstance, SsoSessions


def _one_line(text: str) -> str:
    return " ".join(text.split())


def ensure_signed_in(
    sso: SsoSessions, instance: SsoInstance, *, device_code: bool, err: TextIO
) -> None:
    """Sign in unless a stored session works (renewing it without a browser if it can)."""
    from xacct_gui.core.browser import open_url
    from xacct_gui.core.sso import SsoSessionExpired

    try:
        sso.access_token(instance)
        return
    except SsoSessionExpired:
        pass
    if device_code:

        def show(code: DeviceCode) -> None:
            print(
                f"To sign in to {instance.org}, open {code.verification_uri_complete} "
                f"and confirm the code {code.user_code}",
                file=err,
                flush=True,
            )

        sso.sign_in(instance, flow="device", on_device_code=show)
        return

    def browse(url: str) -> None:
        if not open_url(url):
            print(f"Open this page to sign in to {instance.org}: {url}", file=err, flush=True)

    sso.sign_in(instance, open_url=browse)


def sso_sync_command(
    launch: Launch,
    start_url: str,
    region: str | None,
    *,
    device_code: bool,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    from xacct_gui.core.sso import make_instance
    from xacct_gui.core.sso.proposals import DEFAULT_TEMPLATE, check_template
    from xacct_gui.core.sso.sync import plan_sync
    from xacct_gui.core.ui_state import DISCOVERY_RULES, SSO_TEMPLATE, UiState

    out = out or sys.stdout
    err = err or sys.stderr
    try:
        typed = make_instance(start_url, region)
        first = launch.load_headless()
        if not launch.store.writable:  # say so before asking anyone to sign in
            print(f"error: {_one_line(first.problems[0])}", file=err)
            return 1
        service = launch.make_service()
        sso = service.sso
        assert sso is not None  # make_service always gives the service a sign-in store
        instance = sso.instance_for(typed.start_url, typed.region)
        ensure_signed_in(sso, instance, device_code=device_code, err=err)
        roles = sso.discover(instance)
        loaded = launch.store.load()
        if not launch.store.writable:
            print(f"error: {_one_line(loaded.problems[0])}", file=err)
            return 1
        state = UiState(launch.state)
        template = state.get(SSO_TEMPLATE) or DEFAULT_TEMPLATE
        if check_template(template):
            template = DEFAULT_TEMPLATE
        rules = state.get(DISCOVERY_RULES)
        plan = plan_sync(loaded.profiles, roles, instance, template=template, rules=rules)
        launch.store.save(plan.profiles)
    except XacctError as exc:
        print(f"error: {_one_line(str(exc))}", file=err)
        return 1
    except (OSError, ValueError) as exc:
        print(f"error: {type(exc).__name__}: {_one_line(str(exc))}", file=err)
        return 1
    for line in plan.lines():
        print(line, file=out)
    return 0
