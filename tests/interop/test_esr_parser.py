"""What Extend Switch Roles reads from xacct's export: its own parser, aesr-config.

The extension parses its configuration with the npm package aesr-config; here
that package (run with node) reads what ``export_esr`` writes, and every role the
browser would switch to must be exactly the saved role ARN.
"""

from __future__ import annotations

import json
import subprocess
from typing import Any

from tests.factories import make_profile
from tests.unit.test_esr_structure import COMPLEX
from xacct_gui.core.exporters import export_esr
from xacct_gui.core.importers import apply_import, preview_esr_config


def parse(command: list[str], text: str) -> dict[str, Any]:
    done = subprocess.run(
        command, input=text, capture_output=True, text=True, timeout=60, check=False
    )
    # The CLI reports a parse error on stderr (and exits 0): that is a failure here.
    assert done.stderr == "", done.stderr
    assert done.returncode == 0
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def roles(parsed: dict[str, Any]) -> dict[str, str]:
    """Profile name -> the role ARN the extension switches to."""
    found: dict[str, str] = {}

    def arn(entry: dict[str, Any], base: dict[str, Any] | None) -> str:
        role = entry.get("role_name") or (base or {}).get("target_role_name")
        return f"arn:aws:iam::{entry['aws_account_id']}:role/{role}"

    for single in parsed["singles"]:
        found[single["name"]] = arn(single, None)
    for complex_ in parsed["complexes"]:
        for target in complex_["targets"]:
            found[target["name"]] = arn(target, complex_)
    return found


def structure(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        c["name"]: {
            "aws_account_id": c["aws_account_id"],
            "target_role_name": c.get("target_role_name"),
            "target_region": c.get("target_region"),
            "targets": sorted(t["name"] for t in c["targets"]),
        }
        for c in parsed["complexes"]
    }


SHAPES = [
    make_profile("Plain", role_name="Admin"),
    make_profile("With space", role_name="team/ops/Admin", color="#123456"),
    make_profile("Hash#in;name", role_name="Admin"),
    make_profile("profile odd", role_name="ReadOnly", color="red"),
    make_profile("Path chars", role_name="p.q/R+,.@_-x"),
    make_profile("Semi path", role_name="team;x/Admin"),
    make_profile("Hash path", role_name="team#x/Admin"),
    make_profile("Equals", role_name="a=b"),
    make_profile("Ext", role_name="Admin", external_id="needs-ext"),
    make_profile("Chained", role_name="Admin", source_role="Plain"),
]


def test_every_exported_role_reads_back_exactly(aesr_parser: list[str]) -> None:
    result = export_esr(SHAPES)
    parsed = parse(aesr_parser, result.text)
    read = roles(parsed)
    exported = {p.name: p for p in SHAPES if p.name in result.exported}
    # Names the extension cannot hold (# and ;) are written sanitised; the role is exact.
    by_arn = sorted(read.values())
    assert by_arn == sorted(p.role_arn for p in exported.values())
    assert read["With space"] == exported["With space"].role_arn
    assert read["profile odd"] == exported["profile odd"].role_arn
    # Roles the extension would read as another role are not written at all.
    assert {name for name, _ in result.skipped} == {"Semi path", "Hash path", "Equals"}
    assert "arn:aws:iam::222222222222:role/team" not in read.values()
    colours = {s["name"]: s.get("color") for s in parsed["singles"]}
    assert colours["With space"] == "123456"


def test_complex_configuration_keeps_its_structure(aesr_parser: list[str]) -> None:
    original = parse(aesr_parser, COMPLEX)
    profiles = apply_import([], preview_esr_config(COMPLEX, []))
    exported = parse(aesr_parser, export_esr(profiles).text)
    assert len(structure(original)) == 5
    assert sum(len(c["targets"]) for c in structure(original).values()) == 8
    assert structure(exported) == structure(original)
    assert roles(exported) == roles(original)
