"""Importing 20,000 profiles is linear (it took 32-37 s, and a re-import minutes)."""

from __future__ import annotations

import time

from xacct_gui.core.importers import apply_import, preview_aws_config

COUNT = 20_000


def config_text(count: int) -> str:
    return "".join(
        f"[profile p{i}]\nrole_arn = arn:aws:iam::{100000000000 + i}:role/R\n"
        "source_profile = default\n"
        for i in range(count)
    )


def test_twenty_thousand_profiles_merge_in_well_under_a_second() -> None:
    items = preview_aws_config(config_text(COUNT), [])
    started = time.perf_counter()
    merged = apply_import([], items)
    assert time.perf_counter() - started < 0.5
    assert len(merged) == COUNT
    # Merging them again onto themselves: every one replaced where it stands.
    started = time.perf_counter()
    again = apply_import(merged, items)
    assert time.perf_counter() - started < 0.5
    assert [p.name for p in again] == [p.name for p in merged]


def test_previewing_against_twenty_thousand_saved_profiles_is_linear() -> None:
    text = config_text(COUNT)
    saved = apply_import([], preview_aws_config(text, []))
    started = time.perf_counter()
    items = preview_aws_config(text, saved)
    # ~2 s on the 2-core CI machine (it was ~100 s with a scan per profile).
    assert time.perf_counter() - started < 10
    assert {item.status for item in items} == {"unchanged"}
