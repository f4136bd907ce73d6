"""The dependency rule: the core imports no platform SDK and no database driver."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import REPO

FORBIDDEN_IN_CORE = ("telegram", "slack_bolt", "slack_sdk", "aiosqlite", "openai", "storage", "handlers")


def _imports(path: str) -> set[str]:
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


CORE = sorted(str(p.relative_to(REPO)) for p in (REPO / "bot").rglob("*.py") if p.name != "__main__.py")


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_sdk_or_driver(module: str) -> None:
    assert not _imports(module) & set(FORBIDDEN_IN_CORE)


def test_adapters_never_touch_the_store() -> None:
    for path in (REPO / "handlers").rglob("*.py"):
        assert "storage" not in _imports(str(path.relative_to(REPO))), path
