"""Command line: ``xacct-gui [--demo] [--config-dir DIR] [--list-buckets NAME [--json]]
[--credential-process NAME]``."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from xacct_gui import APP_NAME, __version__

CONFIG_DIR_ENV = "XACCT_GUI_CONFIG_DIR"
# botocore logs request headers and bodies (tokens, signatures) at DEBUG: never go below INFO.
CHATTY_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer", "werkzeug")


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


def configure_logging(debug: bool, stream: TextIO | None = None) -> logging.Handler:
    """Log to ``stream`` (stderr) through the redacting filter; returns the handler."""
    from xacct_gui.core.redact import RedactingFilter

    level = logging.DEBUG if debug else logging.WARNING
    root = logging.getLogger()
    # main() may run more than once in a process (tests, embedding): replace, not stack.
    for old in [h for h in root.handlers if getattr(h, "xacct_handler", False)]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream)
    handler.xacct_handler = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(level)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(max(level, logging.INFO))
    return handler


def resolve_config_dir(cli_value: Path | None) -> Path:
    if cli_value is not None:
        return cli_value.expanduser()
    from_env = os.environ.get(CONFIG_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("xacct-gui", appauthor=False))


def _attach_parent_console() -> None:
    """Give a windowed Windows build a console for its headless flags.

    A windowed (no-console) executable started from cmd.exe or PowerShell has no
    stdout, so --version, --self-test and --list-buckets would print nothing.
    """
    if sys.platform != "win32" or not getattr(sys, "frozen", False) or sys.stdout is not None:
        return
    import ctypes

    attach_parent_process = -1
    if ctypes.windll.kernel32.AttachConsole(attach_parent_process):
        sys.stdout = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the app)
        sys.stderr = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115


def main(argv: list[str] | None = None) -> int:
    _attach_parent_console()
    args = build_parser().parse_args(argv)
    if args.json and not args.list_buckets:
        print("error: --json goes with --list-buckets", file=sys.stderr)
        return 2
    if args.credential_process and args.list_buckets:
        print("error: use --credential-process or --list-buckets, not both", file=sys.stderr)
        return 2
    configure_logging(args.debug)
    if args.self_test:
        from xacct_gui.selftest import run_self_test

        return run_self_test(resolve_config_dir(args.config_dir))
    from xacct_gui.app import Launch

    # The demo works in a throwaway config dir unless one is named on the command
    # line: it must never add its profiles to the user's real ones by surprise.
    use_real_dir = args.config_dir is not None or not args.demo
    launch = Launch(
        config_dir=resolve_config_dir(args.config_dir) if use_real_dir else None,
        demo=args.demo,
    )
    try:
        if args.list_buckets:
            return launch.list_buckets(args.list_buckets, as_json=args.json)
        if args.credential_process:
            return launch.credential_process(args.credential_process)
        if args.startup_probe:
            from xacct_gui.selftest import install_startup_probe

            install_startup_probe()
        return launch.run_gui()
    finally:
        launch.close()


if __name__ == "__main__":
    sys.exit(main())
