"""Dependencies point one way: data/ never imports mapping/ (nor the ingest pipeline above it)."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA_FILES = sorted((ROOT / "data").glob("*.py"))
DATA_MODULES = [f"data.{path.stem}" for path in DATA_FILES if path.stem != "__init__"]


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Return (line, module) of every import in a syntax tree, at any depth."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def main_block_lines(tree: ast.Module) -> set[int]:
    """Return the lines of a module's `if __name__ == "__main__":` blocks."""
    lines: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            lines |= set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.name)
def test_no_data_module_imports_mapping(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # A command run as `python -m data.X` may hand over to the pipeline above data/; importing
    # the module never runs that block.
    allowed = main_block_lines(tree)
    wrong = [
        f"{path.name}:{line}: {module}"
        for line, module in imported_modules(tree)
        if is_within(module, "mapping") or (is_within(module, "ingest") and line not in allowed)
    ]
    assert not wrong, wrong


def test_importing_every_data_module_loads_no_mapping_module() -> None:
    code = (
        f"import {', '.join(DATA_MODULES)}; import sys; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('mapping', 'ingest')); "
        "assert not bad, bad"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
