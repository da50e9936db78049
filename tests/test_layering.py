"""The layers of docs/architecture.md: imports flow ui -> services -> {storage, documents} ->
domain, with devtools (demo, benchmarks, screenshots) above them all, imported only by the
entry points (cli, app).

An AST walk over the package finds every import (top-level or inside functions) and checks
it against the allowed edges, and that frameworks stay in their own layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "isoface_desk"

# Which first-party layers each layer may import (errors, config and fileio are shared leaves).
ALLOWED: dict[str, set[str]] = {
    "domain": {"domain", "errors", "config", "fileio"},
    "storage": {"storage", "domain", "errors", "config", "fileio"},
    "documents": {"documents", "domain", "errors", "config", "fileio"},
    "services": {"services", "storage", "documents", "domain", "errors", "config", "fileio"},
    "ui": {"ui", "services", "domain", "errors", "config", "fileio"},
    "cli": {
        "cli",
        "app",
        "services",
        "domain",
        "errors",
        "config",
        "fileio",
        "__init__",
        "devtools",
    },
    "app": {"app", "ui", "services", "storage", "domain", "errors", "config", "fileio", "devtools"},
    # The top layer: may import everything; only the entry points import it.
    "devtools": {
        "devtools",
        "app",
        "ui",
        "services",
        "storage",
        "documents",
        "domain",
        "errors",
        "config",
        "fileio",
        "__init__",
    },
    "errors": {"errors"},
    "config": {"config"},
    "fileio": {"fileio", "errors"},
    "__init__": set(),
    "__main__": {"cli"},
}

# Third-party frameworks and the only layers that may import them.
FRAMEWORKS: dict[str, set[str]] = {
    "PySide6": {"ui", "app", "devtools"},
    "shiboken6": {"ui", "app", "devtools"},
    "sqlalchemy": {"storage"},
    "alembic": {"storage"},
    "psycopg": {"storage"},
    "reportlab": {"documents", "devtools"},  # the benchmarks' plain-document floors
    "pyhanko": {"documents"},
}


def layer_of(path: Path, root: Path) -> str:
    rel = path.relative_to(root)
    return rel.parts[0].removesuffix(".py")


def imported_modules(tree: ast.AST, path: Path, root: Path) -> list[tuple[int, str]]:
    """Absolute dotted names of everything the module imports, with line numbers."""
    found: list[tuple[int, str]] = []
    parts = ("isoface_desk", *path.relative_to(root).with_suffix("").parts)
    package = parts[:-1]  # for a package's __init__.py, the package itself
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join((*base, node.module)) if node.module else ".".join(base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def violations(root: Path = PACKAGE) -> list[str]:
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        layer = layer_of(path, root)
        allowed = ALLOWED.get(layer)
        if allowed is None:
            problems.append(f"{path}: module outside the known layers ({layer})")
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for lineno, name in imported_modules(tree, path, root):
            top = name.split(".")[0]
            where = f"{path.relative_to(root.parent)}:{lineno}"
            if top == "isoface_desk":
                parts = name.split(".")
                target = parts[1] if len(parts) > 1 else "__init__"
                if target not in allowed:
                    problems.append(f"{where}: {layer} imports {name} (upward or sideways)")
            elif top in FRAMEWORKS and layer not in FRAMEWORKS[top]:
                problems.append(f"{where}: {layer} imports framework {top}")
    return problems


def test_package_respects_layers() -> None:
    assert violations() == []


@pytest.mark.parametrize(
    ("layer_file", "source", "expected"),
    [
        ("domain/bad.py", "import PySide6.QtCore\n", "framework PySide6"),
        ("domain/bad.py", "from sqlalchemy import select\n", "framework sqlalchemy"),
        ("domain/bad.py", "def f():\n    import reportlab\n", "framework reportlab"),
        ("domain/bad.py", "from isoface_desk.storage import db\n", "upward"),
        ("storage/bad.py", "from isoface_desk.services import x\n", "upward"),
        ("documents/bad.py", "from ..storage import models\n", "upward"),
        ("services/bad.py", "from isoface_desk.ui import main_window\n", "upward"),
        ("ui/bad.py", "import sqlalchemy\n", "framework sqlalchemy"),
        ("ui/bad.py", "from isoface_desk.devtools import demo\n", "upward"),
        ("services/bad.py", "from isoface_desk.devtools.demo import seed_demo\n", "upward"),
        ("documents/bad.py", "import isoface_desk.devtools.pdf_bench\n", "upward"),
        ("devtools/bad.py", "import sqlalchemy\n", "framework sqlalchemy"),
    ],
)
def test_layering_check_catches_forbidden_imports(
    tmp_path: Path, layer_file: str, source: str, expected: str
) -> None:
    root = tmp_path / "isoface_desk"
    target = root / layer_file
    target.parent.mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (target.parent / "__init__.py").write_text("")
    target.write_text(source)
    found = violations(root)
    assert any(expected in problem for problem in found), found


def test_domain_clean_import_is_allowed(tmp_path: Path) -> None:
    root = tmp_path / "isoface_desk"
    (root / "domain").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "domain" / "__init__.py").write_text("")
    (root / "domain" / "ok.py").write_text("import json\nfrom isoface_desk.errors import X\n")
    assert violations(root) == []
