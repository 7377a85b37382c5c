"""The command line: the argument parser and every headless command.

``xacct-gui [--demo] [--config-dir DIR] [--list-buckets NAME [--json]]
[--credential-process NAME] [--sso-sync START_URL --sso-region REGION [--device-code]]
[--self-test] [--debug] [--version]`` (``--sso-sync`` lives in :mod:`.cli_sso`)

A headless command prints its result on stdout and exits 0, or prints one line
``error: ...`` on stderr and exits 1 (2 for flags that do not go together):
botocore shows a ``credential_process``'s stderr to the AWS CLI's user, and a
traceback there would help nobody. No Qt and no botocore session is imported
here, so the window still starts fast. See "Command line" in
docs/architecture.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from xacct_gui import APP_NAME, __version__
from xacct_gui.core import callback_loop
from xacct_gui.core.deadline import call_with_deadline
from xacct_gui.core.errors import MfaCodeRequired, ProfileError, XacctError
from xacct_gui.core.profiles import RoleProfile, resolve_chain

if TYPE_CHECKING:
    from xacct_gui.app import Launch
    from xacct_gui.core.aws import AwsService, Bucket
    from xacct_gui.core.store import LoadResult

CONFIG_DIR_ENV = "XACCT_GUI_CONFIG_DIR"


# --- the parser ---


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xacct-gui",
        description="Switch between AWS roles by colour and see each account's S3 buckets.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--config-dir",
        type=Path,
        help=(
            "where the app keeps profiles.json "
            f"(default: the user config dir; env {CONFIG_DIR_ENV})"
        ),
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="start a local AWS emulator with demo accounts and use it (no AWS account needed)",
    )
    parser.add_argument(
        "--list-buckets",
        metavar="NAME",
        help="headless: assume role profile NAME, print its buckets and exit",
    )
    parser.add_argument(
        "--json", action="store_true", help="with --list-buckets: print a JSON array"
    )
    parser.add_argument(
        "--credential-process",
        metavar="NAME",
        help="headless: print role profile NAME's temporary credentials as the JSON an AWS "
        "CLI profile's credential_process expects, and exit",
    )
    parser.add_argument(
        "--sso-sync",
        metavar="START_URL",
        help="headless: sign in to IAM Identity Center (unless a stored session works), "
        "turn every account and role into a profile, print what changed and exit",
    )
    parser.add_argument(
        "--sso-region",
        metavar="REGION",
        help="with --sso-sync: the region of the Identity Center (e.g. eu-west-1)",
    )
    parser.add_argument(
        "--device-code",
        action="store_true",
        help="with --sso-sync: print a URL and code to confirm instead of opening a browser",
    )
    parser.add_argument(
        "--team",
        metavar="FILE",
        type=Path,
        help="open a team file from your administrator (organisation sign-in, colours, "
        "extra roles) and start at its sign-in",
    )
    parser.add_argument("--debug", action="store_true", help="verbose logging on stderr")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (Qt, AWS models, keyring, config dir), print a JSON "
        "report and exit 0 only if all is well",
    )
    # Hidden: print a marker once the main window has painted, then close it (the
    # build command times start-up with it).
    parser.add_argument("--startup-probe", action="store_true", help=argparse.SUPPRESS)
    return parser


def flag_problem(args: argparse.Namespace) -> str | None:
    """Why the flags in ``args`` do not go together, or None."""
    if args.json and not args.list_buckets:
        return "--json goes with --list-buckets"
    if args.credential_process and args.list_buckets:
        return "use --credential-process or --list-buckets, not both"
    if (args.sso_region or args.device_code) and not args.sso_sync:
        return "--sso-region and --device-code go with --sso-sync"
    if args.sso_sync and (args.list_buckets or args.credential_process):
        return "use --sso-sync on its own"
    if args.team and (args.sso_sync or args.list_buckets or args.credential_process):
        return "--team opens the window; use it without headless commands"
    return None


def resolve_config_dir(cli_value: Path | None) -> Path:
    """``--config-dir``, else ``$XACCT_GUI_CONFIG_DIR``, else the user config dir."""
    if cli_value is not None:
        return cli_value.expanduser()
    from_env = os.environ.get(CONFIG_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("xacct-gui", appauthor=False))


def open_launch(args: argparse.Namespace) -> Launch:
    """The run ``args`` asks for; the caller closes it."""
    from xacct_gui.app import Launch

    # The demo works in a throwaway config dir unless one is named on the command
    # line: it must never add its profiles to the user's real ones by surprise.
    use_real_dir = args.config_dir is not None or not args.demo
    return Launch(
        config_dir=resolve_config_dir(args.config_dir) if use_real_dir else None,
        demo=args.demo,
        team_file=getattr(args, "team", None),
    )


def run_headless(args: argparse.Namespace) -> int | None:
    """Run the headless command ``args`` names and return its exit status; None: the GUI."""
    if args.self_test:
        from xacct_gui.selftest import run_self_test

        return run_self_test(resolve_config_dir(args.config_dir))
    if not (args.list_buckets or args.credential_process or args.sso_sync):
        return None
    launch = open_launch(args)
    try:
        if args.sso_sync:
            from xacct_gui.cli_sso import sso_sync_command

            return sso_sync_command(
                launch, args.sso_sync, args.sso_region, device_code=args.device_code
            )
        if args.list_buckets:
            return list_buckets_command(launch, args.list_buckets, as_json=args.json)
        return credential_process_command(launch, args.credential_process)
    finally:
        launch.close()


# --- shared by the commands ---


def one_line(text: str) -> str:
    """``text`` with every run of whitespace, line breaks included, as one space."""
    return " ".join(text.split())


def find_profile(profiles: Sequence[RoleProfile], name: str) -> RoleProfile | None:
    """The profile called ``name``; an exact match wins over a case-insensitive one."""
    exact = next((p for p in profiles if p.name == name), None)
    if exact is not None:
        return exact
    return next((p for p in profiles if p.name.casefold() == name.casefold()), None)


def _no_such_profile(profiles: Sequence[RoleProfile], name: str, where: str, err: TextIO) -> int:
    known = ", ".join(p.name for p in profiles) or "none"
    print(f"error: no role profile named {name!r} in {where} (known: {known})", file=err)
    return 1


def headless_profiles(launch: Launch) -> LoadResult | None:
    """Profiles for a headless command, or None after printing the one-line error."""
    from xacct_gui.app import DemoUnavailable

    try:
        loaded = launch.load_headless()
    except (DemoUnavailable, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    if not loaded.profiles and loaded.problems:
        print(f"error: {one_line(loaded.problems[0])}", file=sys.stderr)
        return None
    return loaded


def failure_line(profile: RoleProfile, exc: XacctError) -> str:
    """The one line a headless command prints for ``exc``; an Identity Center session
    that cannot be renewed says where to sign in (a headless run never opens a browser)."""
    from xacct_gui.core.sso.errors import SsoSessionExpired

    if isinstance(exc, SsoSessionExpired):
        return (
            f"error: {profile.name}: {one_line(str(exc))} Sign in from the app "
            "(Profiles > Sign in with IAM Identity Center), or run --sso-sync."
        )
    return f"error: {profile.name}: {one_line(str(exc))}"


# --- --list-buckets NAME [--json] ---


def buckets_as_json(buckets: Sequence[Bucket]) -> str:
    return json.dumps(
        [{"name": b.name, "created": b.created.isoformat(), "region": b.region} for b in buckets],
        indent=2,
    )


def list_buckets(
    service: AwsService,
    profiles: Sequence[RoleProfile],
    name: str,
    *,
    as_json: bool,
    where: str,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Assume profile ``name`` and print its buckets; one line on ``err`` and 1 on failure."""
    out = out or sys.stdout  # looked up per call: tests and embedders swap the streams
    err = err or sys.stderr
    profile = find_profile(profiles, name)
    if profile is None:
        return _no_such_profile(profiles, name, where, err)
    if profile.mfa_serial:
        print(
            f"error: profile {profile.name!r} needs an MFA code; switch to it in the window",
            file=err,
        )
        return 1
    try:
        chain = resolve_chain(profile, profiles)  # a chained role lists through its sources
        result = call_with_deadline(lambda: service.switch(profile, chain=chain))
    except XacctError as exc:
        print(failure_line(profile, exc), file=err)
        return 1
    if as_json:
        print(buckets_as_json(result.buckets), file=out)
    else:
        for bucket in result.buckets:
            print(bucket.name, file=out)
    return 0


def _loop_problem(problem: str) -> int:
    print(f"error: {problem}", file=sys.stderr)
    return 1


def list_buckets_command(launch: Launch, name: str, *, as_json: bool) -> int:
    with callback_loop.entered(name) as problem:
        if problem:
            return _loop_problem(problem)
        return _list_buckets_command(launch, name, as_json=as_json)


def _list_buckets_command(launch: Launch, name: str, *, as_json: bool) -> int:
    loaded = headless_profiles(launch)
    if loaded is None:
        return 1
    return list_buckets(
        launch.make_service(), loaded.profiles, name, as_json=as_json, where=str(launch.store.path)
    )


# --- --credential-process NAME ---


def run_credential_process(
    service: AwsService,
    profiles: Sequence[RoleProfile],
    name: str,
    *,
    out: TextIO,
    err: TextIO,
    where: str,
) -> int:
    """Print profile ``name``'s credentials as ``credential_process`` JSON; 0 or 1."""
    from xacct_gui.core.export_env import credential_process_json

    profile = find_profile(profiles, name)
    if profile is None:
        return _no_such_profile(profiles, name, where, err)
    try:
        chain = resolve_chain(profile, profiles)
    except ProfileError as exc:
        print(f"error: {one_line(str(exc))}", file=err)
        return 1
    try:
        # Without a code, an MFA profile fails here before any request is sent.
        session, _ = call_with_deadline(lambda: service.session_for(profile, None, chain))
    except MfaCodeRequired as exc:
        print(
            f"error: profile {profile.name!r} needs a code from MFA device {exc.serial}, and "
            "a credential_process cannot ask for one; use a profile without MFA",
            file=err,
        )
        return 1
    except XacctError as exc:
        print(failure_line(profile, exc), file=err)
        return 1
    except Exception as exc:  # still one line, never a traceback in the CLI's output
        print(f"error: {profile.name}: unexpected {type(exc).__name__}", file=err)
        return 1
    print(credential_process_json(session), file=out)
    return 0


def credential_process_command(launch: Launch, name: str) -> int:
    """``--credential-process NAME``: print the role's credentials for botocore/the CLI."""
    with callback_loop.entered(name) as problem:
        if problem:
            return _loop_problem(problem)
        return _credential_process_command(launch, name)


def _credential_process_command(launch: Launch, name: str) -> int:
    loaded = headless_profiles(launch)
    if loaded is None:
        return 1
    return run_credential_process(
        launch.make_service(),  # holds the KeyVault: keyring sign-in keys work here too
        loaded.profiles,
        name,
        out=sys.stdout,
        err=sys.stderr,
        where=str(launch.store.path),
    )
