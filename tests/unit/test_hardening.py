"""The app keeps its memory out of core dumps (checked in a child process)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHECK = (
    "import resource; from xacct_gui.core.hardening import disable_core_dumps;"
    "print(sorted(disable_core_dumps()));"
    "print(resource.getrlimit(resource.RLIMIT_CORE));"
    "import ctypes; PR_GET_DUMPABLE = 3;"
    "print(ctypes.CDLL(None).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))"
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_the_process_becomes_non_dumpable_with_no_core_limit() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[0] == "['core-limit', 'non-dumpable']"
    assert out[1] == "(0, 0)"
    assert out[2] == "0"
