"""Imports go one way (style guide §2): errors -> ops (the table) -> graph -> backward_fast
-> node, backward -> value -> fused, custom, anomaly -> the features (nn, expr, render, check,
compile, ...) -> worked examples -> commands -> cli. A module may import only from layers below
it, so the math (ops) never depends on a picture, a checker or the CLI. The few imports that
point up are listed in UPWARD with their reason, and are made lazily inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import micrograd_lite

PACKAGE = Path(micrograd_lite.__file__).parent

LAYERS: dict[str, int] = {
    "version": 0,
    "errors": 0,
    "operands": 1,
    "tracing": 1,
    "ops": 1,
    "graph": 2,
    "backward_fast": 3,  # reaches Value only under TYPE_CHECKING
    "node": 4,
    "backward": 4,  # reaches Value only under TYPE_CHECKING
    "value": 5,
    "engine": 6,
    "fused": 6,
    "custom": 6,
    "on_values": 6,
    "higher": 7,
    "anomaly": 6,
    "state": 6,
    "inputs": 6,
    "nn": 7,
    "losses": 7,
    "optim": 7,
    "saving": 7,
    "expr_errors": 1,
    "expr_grammar": 6,
    "expr": 7,
    "render": 8,
    "check": 8,
    "compile": 8,
    "progress": 7,
    "plots": 9,
    "play": 9,
    "worked": 9,
    "lessons": 10,
    "commands": 11,
    "cli": 12,
    "__init__": 13,
    "__main__": 14,
}

# The imports allowed to point up, each made lazily inside a function, and why.
UPWARD: dict[tuple[str, str], str] = {
    ("value", "fused"): "Value.affine makes the fused neuron, a node type built on Value",
    ("value", "custom"): "Value(data, _children, _op) makes a micrograd-style custom node",
    ("value", "higher"): "Value.backward(create_graph=True) builds gradients as graphs",
}


def layer_of(module: str) -> int:
    parts = module.split(".")
    # a subpackage (compile/, check/, render/, worked/, ...) is one layer: its modules share it
    name = parts[0] if (PACKAGE / parts[0]).is_dir() else parts[-1]
    assert name in LAYERS, f"{module}: add it to LAYERS in tests/test_layering.py"
    return LAYERS[name]


def runtime_imports(path: Path) -> list[str]:
    """micrograd_lite modules imported outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text())
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for n in ast.walk(node))
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "micrograd_lite":
            for alias in node.names:  # `from micrograd_lite import backward` names a module
                is_module = (PACKAGE / f"{alias.name}.py").exists() or (
                    PACKAGE / alias.name
                ).is_dir()
                found.append(f"micrograd_lite.{alias.name}" if is_module else "micrograd_lite")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("micrograd_lite")
        ):
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("micrograd_lite")]
    return found


def test_imports_point_only_to_lower_layers() -> None:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
        if module.endswith("__init__") and module != "__init__":
            module = module.rsplit(".", 1)[0]
        mine = layer_of(module)
        for imported in runtime_imports(path):
            target = imported.removeprefix("micrograd_lite").lstrip(".") or "__init__"
            same_package = target.split(".")[0] == module.split(".")[0]
            if (module, target) in UPWARD:
                continue
            if not same_package and layer_of(target) >= mine:
                problems.append(f"{module} (layer {mine}) imports {target} ({layer_of(target)})")
    assert not problems, "\n".join(problems)
