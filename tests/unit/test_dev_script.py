"""build_scripts/dev.py shows pip's output without setuptools' boxed notices."""

from __future__ import annotations

from build_scripts.dev import without_boxed_notices

SETUPTOOLS_OUTPUT = """\
Obtaining file:///repo
  Installing build dependencies ... done
!!

        ********************************************************************************
        An editable installation was requested, but the project uses a legacy layout.
        See https://setuptools.pypa.io/ for details.
        ********************************************************************************

!!
Successfully installed xacct-gui-0.1.0
"""


def test_the_boxed_editable_install_notice_is_dropped() -> None:
    shown = "".join(without_boxed_notices(SETUPTOOLS_OUTPUT.splitlines(keepends=True)))
    assert "editable installation" not in shown
    assert "*****" not in shown and "!!" not in shown
    assert "Obtaining file:///repo" in shown
    assert "Successfully installed xacct-gui-0.1.0" in shown


def test_an_unclosed_rule_is_not_a_box_and_is_kept() -> None:
    lines = ["before\n", "*" * 40 + "\n", "error: something failed\n"]
    assert list(without_boxed_notices(lines)) == lines
