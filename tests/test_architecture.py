"""The layout keeps the architecture it shows: stages never reach for the speed machinery or the tools, modules
import one another without cycles, and no two public things of the engine share a name."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent / "bantin"
COMMAND_PROTOCOL = {"register", "main"}  # every command module of bantin/tools has them (cli.TOOLS)


def module_name(file: Path) -> str:
    """Name the module a file of the engine defines: bantin/stages/write.py as bantin.stages.write."""
    parts = file.relative_to(ENGINE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Map every module of the engine to its file."""
    return {module_name(file): file for file in sorted(ENGINE.rglob("*.py"))}


def imported(name: str, file: Path, known: dict[str, Path]) -> set[str]:
    """List the engine's modules that a module imports, anywhere in it (functions included)."""
    package = name if file.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package if node.level else ""
            target = ".".join(part for part in (base, node.module or "") if part)
            found.add(target)
            found |= {f"{target}.{alias.name}" for alias in node.names}  # `from . import check` imports a module
    return {target for target in found if target in known and target != name}


def import_graph() -> dict[str, set[str]]:
    """Map every module to the modules it imports, leaving out a module's import of its own packages (Python runs
    those first, whatever the module says)."""
    known = modules()
    return {name: {t for t in imported(name, file, known) if not name.startswith(t + ".")} for name, file in known.items()}


def test_the_stages_never_import_the_speed_machinery_the_tools_or_the_pipeline() -> None:
    graph = import_graph()
    reaching = {name: sorted(t for t in targets if t.startswith(("bantin.speed", "bantin.tools", "bantin.pipeline", "bantin.cli")))
                for name, targets in graph.items() if name.startswith("bantin.stages")}
    assert {name: targets for name, targets in reaching.items() if targets} == {}
    assert len(reaching) >= 20  # the walk found the stages


def test_the_engine_has_no_import_cycle() -> None:
    graph = import_graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(name: str, path: list[str]) -> None:
        """Walk the imports depth first, noting every way back to a module on the current path."""
        state[name] = 1
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []
    assert "bantin.speed" in graph["bantin.pipeline"] and "bantin.stages.render" in graph["bantin.speed"]  # edges are seen


def test_no_two_public_things_of_the_engine_share_a_name() -> None:
    places: dict[str, list[str]] = defaultdict(list)
    for name, file in modules().items():
        for node in ast.parse(file.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_"):
                if not (name.startswith("bantin.tools.") and node.name in COMMAND_PROTOCOL):
                    places[node.name].append(name)
    assert {thing: where for thing, where in places.items() if len(where) > 1} == {}
    assert len(places) > 300


def test_the_engine_fingerprint_changes_with_any_module_of_any_subpackage(tmp_path: Path) -> None:
    shutil.copytree(ENGINE, tmp_path / "bantin", ignore=shutil.ignore_patterns("__pycache__"))

    def fingerprint() -> str:
        """Ask a fresh interpreter, importing the copy, for its engine fingerprint."""
        code = "from bantin.speed.stamp import engine_fingerprint; print(engine_fingerprint())"
        done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)},
                              capture_output=True, text=True, check=True)
        return done.stdout.strip()

    seen = {fingerprint()}
    for module in ("tools/importer/text.py", "stages/write.py", "speed/memo.py", "problems.py"):
        with (tmp_path / "bantin" / module).open("a", encoding="utf-8") as file:
            file.write("# một dòng chú thích\n")
        seen.add(fingerprint())
    assert len(seen) == 5
