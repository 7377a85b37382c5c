"""The entry point: ``xacct-gui`` and ``python -m xacct_gui``.

:func:`main` sets up logging and runs a headless command or the window; the
parser and the headless commands are in :mod:`xacct_gui.cli`.
"""

from __future__ import annotations

import logging
import sys
from typing import TextIO

from xacct_gui.cli import build_parser, flag_problem, open_launch, run_headless

# botocore logs request headers and bodies (tokens, signatures) at DEBUG: never go below INFO.
# Without --debug they log only errors: botocore logs a WARNING with a whole traceback for
# an Identity Center profile that is not signed in, and the AWS CLI shows a
# credential_process's stderr to its user. The app's own message says what happened.
CHATTY_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer", "werkzeug")


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
        logging.getLogger(name).setLevel(logging.INFO if debug else logging.ERROR)
    return handler


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
    """Run the app (or the headless command ``argv`` names); the process's exit status."""
    _attach_parent_console()
    from xacct_gui.core.hardening import disable_core_dumps

    # Before any secret is in memory: a crash must not write one into a core file.
    disable_core_dumps()
    args = build_parser().parse_args(argv)
    problem = flag_problem(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    configure_logging(args.debug)
    status = run_headless(args)
    if status is not None:
        return status
    launch = open_launch(args)
    try:
        if args.startup_probe:
            from xacct_gui.selftest import install_startup_probe

            install_startup_probe()
        return launch.run_gui()
    finally:
        launch.close()


if __name__ == "__main__":
    sys.exit(main())
