"""The dependency rules: the core imports no platform SDK and no database driver, and names no chat
platform: bot/platforms.py (the registry) is the only place that does, and the composition root
loops over it."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator

import pytest

from bot.platforms import chat_platforms
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


REGISTRY = "bot/platforms.py"
BOT = sorted(
    str(p.relative_to(REPO)) for p in (REPO / "bot").rglob("*.py") if str(p.relative_to(REPO)) != REGISTRY
)
CORE = [module for module in BOT if not module.endswith("__main__.py")]  # the root imports the adapters


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_sdk_or_driver(module: str) -> None:
    assert not _imports(module) & set(FORBIDDEN_IN_CORE)


def test_adapters_never_touch_the_store() -> None:
    for path in (REPO / "handlers").rglob("*.py"):
        assert "storage" not in _imports(str(path.relative_to(REPO))), path


def _code_words(path: str) -> Iterator[tuple[int, str]]:
    """(line, text) of every identifier, import and string literal of a module: its code, not its
    docstrings or comments (which may well explain what a platform does)."""
    tree = ast.parse((REPO / path).read_text(encoding="utf-8"))
    docstrings = {
        id(body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and (body := node.body)
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value
        elif isinstance(node, ast.Name):
            yield node.lineno, node.id
        elif isinstance(node, ast.Attribute):
            yield node.lineno, node.attr
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            yield from ((node.lineno, alias.name) for alias in node.names)


@pytest.mark.parametrize("module", BOT)
def test_the_core_names_no_chat_platform(module: str) -> None:
    """A new platform is its folder plus one registry entry: nothing in bot/ may need editing for it."""
    named = re.compile("|".join(chat_platforms()), re.IGNORECASE)
    found = [f"{module}:{line}: {text[:60]!r}" for line, text in _code_words(module) if named.search(text)]
    assert not found, "\n".join(found)


def test_only_the_root_and_the_registry_import_the_adapters() -> None:
    importers = [module for module in BOT if "handlers" in _imports(module)]
    assert importers == ["bot/__main__.py"], importers


def test_a_process_imports_only_the_platforms_it_runs() -> None:
    """The registry asks each platform's settings whether it is on without importing its SDK: a
    process that runs none of them starts without PTB, slack_sdk or hikari (a second of start-up)."""
    code = (
        "import sys\n"
        "from bot.platforms import Settings, configured\n"
        "on = [p.name for p, _ in configured(Settings(_env_file=None))]\n"
        "sdks = ('telegram', 'slack_sdk', 'slack_bolt', 'hikari')\n"
        "print(on, sorted(m for m in sdks if m in sys.modules))\n"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAPERBOY_")}
    shown = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert shown == "['console'] []"
