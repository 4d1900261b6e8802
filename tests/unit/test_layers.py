"""The house's layers point one way (README, code map): read every module's imports and check.

- A feature (auth, questions, …) never imports another feature's views, services or forms;
  only the factory and the CLI wire features together.
- Modules below the features (models, forms, lookups, guard, search's engine, …) import no
  feature's views, services or forms at all.
- No module imports the project's own code inside a function (the old way to dodge a cycle).
"""
import ast
from pathlib import Path

import pytest

FORUM = Path(__file__).resolve().parents[2] / "forum"
FEATURES = {"auth", "comments", "contact", "edits", "faq", "moderation", "notifications", "questions", "reports", "search", "settings", "users"}
FEATURES |= {"api", "syndication"}  # the read API; robots.txt, the sitemap and the feeds
FEATURE_LAYERS = {"views", "services", "forms", "queue", "content"}
WIRING = {"forum", "forum.cli"}  # the factory and the CLI


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(FORUM.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(module: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    """Absolute names of what a `from … import …` brings in (modules or names in modules)."""
    if node.level:
        base = module.split(".") if is_package else module.split(".")[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    return [f"{target}.{alias.name}" for alias in node.names] + [target]


def _imports():
    for path in sorted(FORUM.rglob("*.py")):
        module = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
        nested = {id(n) for f in functions for n in ast.walk(f) if n is not f}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = _resolve(module, path.name == "__init__.py", node)
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            for name in names:
                if name.startswith("forum"):
                    yield module, name, id(node) in nested


def _feature_layer(name: str) -> tuple[str, str] | None:
    """('questions', 'services') for forum.questions.services[.x]; None below the features."""
    parts = name.split(".")
    if len(parts) >= 3 and parts[1] in FEATURES and parts[2] in FEATURE_LAYERS:
        return parts[1], parts[2]
    return None


def _feature_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in FEATURES else None


IMPORTS = list(_imports())


def test_the_scan_sees_the_project():
    modules = {m for m, _, _ in IMPORTS}
    assert {"forum", "forum.questions.views", "forum.guard.validators", "forum.search.index"} <= modules
    assert ("forum.questions.views", "forum.questions.services", False) in IMPORTS


@pytest.mark.parametrize("module,name", [(m, n) for m, n, _ in IMPORTS if _feature_layer(n)])
def test_features_do_not_reach_into_each_other(module, name):
    if module in WIRING:
        return
    layer = _feature_layer(name)
    assert layer is not None  # the parametrize above keeps only names in a feature's layer
    owner, _ = layer
    assert _feature_of(module) == owner, f"{module} imports {name}: another feature's {name.split('.')[2]}"


def test_nothing_imports_project_code_inside_a_function():
    inside = sorted({(m, n) for m, n, nested in IMPORTS if nested})
    assert inside == [], inside
