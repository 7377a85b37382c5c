"""The layering rules of docs/architecture.md ("Layers"), checked over the source.

Every ``import`` statement counts: at module level, inside functions and under
``TYPE_CHECKING``, because each of them is a dependency a reader must follow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "xacct_gui"
PACKAGE = "xacct_gui"
# About 400 lines is the rule; past this a module is doing more than one thing.
MAX_MODULE_LINES = 450


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE_DIR.rglob("*.py"))}


def imported_names(path: Path) -> Iterator[str]:
    """Every absolute module name ``path`` imports (relative imports resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            # ``from pkg import module`` imports the module too.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def internal_imports(name: str) -> set[str]:
    return {dep for dep in imported_names(MODULES[name]) if dep in MODULES and dep != name}


GRAPH = {name: internal_imports(name) for name in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node]):
            # A package's __init__ importing its own submodules is not a cycle a reader
            # must untangle: the submodule never needs its package's re-exports.
            if node == dep.rpartition(".")[0]:
                continue
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (found := visit(dep)):
                return found
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles_in_the_package() -> None:
    assert find_cycle(GRAPH) is None


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(f"{PACKAGE}.core")))
def test_core_imports_no_qt_and_nothing_above_it(name: str) -> None:
    deps = set(imported_names(MODULES[name]))
    assert not {d for d in deps if d.split(".")[0] == "PySide6"}
    upward = {d for d in deps if d.startswith(PACKAGE) and not d.startswith(f"{PACKAGE}.core")}
    assert upward <= {PACKAGE}, upward  # the package root holds only __version__ and names


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(f"{PACKAGE}.gui")))
def test_gui_never_calls_boto3_itself(name: str) -> None:
    roots = {d.split(".")[0] for d in imported_names(MODULES[name])}
    assert not roots & {"boto3", "botocore"}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_modules_stay_small(name: str) -> None:
    lines = MODULES[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_MODULE_LINES, f"{name} has {lines} lines; split it by what it does"


def test_no_comment_points_outside_the_repository() -> None:
    offenders = [
        name for name, path in MODULES.items() if "DESIGN.md" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
