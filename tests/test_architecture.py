"""The shape of the code: no import cycle between the project's modules, counting imports inside
functions (the same walk `make lint` runs), and the walk itself finds a cycle when there is one."""

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
walker = runpy.run_path(str(ROOT / ".ci" / "import_cycles.py"))


def test_no_import_cycle_between_the_projects_modules():
    modules = walker["project_modules"](ROOT)
    assert len(modules) > 100
    assert walker["cycles"](walker["import_graph"](modules), modules) == []


def test_an_import_inside_a_function_that_closes_a_cycle_is_found(tmp_path):
    package = tmp_path / "plans"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from plans import b\n")
    (package / "b.py").write_text("def later():\n    from plans.a import thing\n")
    modules = walker["project_modules"](tmp_path)
    assert walker["cycles"](walker["import_graph"](modules), modules) == [["plans.a", "plans.b"]]
