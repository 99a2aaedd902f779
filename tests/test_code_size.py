"""The size limits of the engineering style: no module over 400 lines, no function over 60
lines unless a comment just above it (``# Over 60 lines: why``) says why."""

import ast
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "unspin"
MODULES = sorted(SOURCE.rglob("*.py"))
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
WHY = "# Over 60 lines:"


def _explained(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A comment block starting with ``WHY`` right above the function or its decorators."""
    first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
    for start in {first, node.lineno}:
        at = start - 2
        while at >= 0 and lines[at].strip().startswith("#"):
            if lines[at].strip().startswith(WHY):
                return True
            at -= 1
    return False


def _long_functions(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    found = []
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and not _explained(lines, node):
                found.append(f"{node.name} ({length} lines)")
    return found


def test_the_sources_are_found() -> None:
    assert len(MODULES) > 50


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SOURCE)))
def test_module_and_function_sizes(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.name} has {lines} lines"
    assert _long_functions(path) == []


def test_a_long_function_without_a_reason_is_caught(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(70))
    unexplained = tmp_path / "a.py"
    unexplained.write_text(f"def f():\n{body}\n", encoding="utf-8")
    explained = tmp_path / "b.py"
    explained.write_text(f"{WHY} a table of constants.\ndef f():\n{body}\n", encoding="utf-8")
    assert _long_functions(unexplained) == ["f (71 lines)"]
    assert _long_functions(explained) == []
