"""Walk every `import` in bcf/, plans/, schemes/ and metrics/ (function bodies included) and report
any cycle between the project's modules. Exit status 1 when there is one. Run by `make lint`."""

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGES = ("bcf", "plans", "schemes", "metrics")


def project_modules(root):
    modules = {}
    for package in PACKAGES:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def import_graph(modules):
    """module -> the project modules it imports anywhere in its text."""

    def resolve(name):
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = defaultdict(set)
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                found = resolve(target)
                if found and found != module:
                    graph[module].add(found)
    return graph


def cycles(graph, modules):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for module in sorted(modules):
        if module not in index:
            visit(module)
    return found


ROOT = Path(__file__).resolve().parent.parent


def main(root=ROOT):
    modules = project_modules(root)
    found = cycles(import_graph(modules), modules)
    for component in found:
        print(f"Import cycle among {len(component)} modules: {', '.join(component)}")
    edges = sum(len(v) for v in import_graph(modules).values())
    print(f"{len(modules)} modules, {edges} project imports (function bodies included), {len(found)} cycles")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
