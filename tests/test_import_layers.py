"""The import layers `make lint` checks (tools/lint.py's ``imports``, pyproject.toml's
[tool.importlinter]): tools over policy_sphinx_extensions over policy_core."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

from tools import lint

LAYERS = ("tools", "policy_sphinx_extensions", "policy_core")


def layered_copy(target: Path) -> Path:
    for name in LAYERS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    return target


def add_import(path: Path, statement: str) -> int:
    """Add *statement* after the module's `from __future__` line; its line number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = lines.index("from __future__ import annotations\n") + 1
    lines.insert(at, statement + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return at + 1


def run_imports(root: Path) -> lint.Result:
    return lint.CHECKS["imports"](lint.Context(root / "source", root / "_build", root=root))


def test_the_project_keeps_its_layers():
    result = run_imports(ROOT)
    assert result.findings == []
    assert result.checked.endswith("modules")


def test_an_import_upward_fails_naming_its_file_and_line(tmp_path):
    root = layered_copy(tmp_path / "project")
    assert run_imports(root).findings == []  # the copy as it is: the good case
    core = root / "policy_core" / "addresses.py"
    core_line = add_import(core, "from policy_sphinx_extensions.build import refusals")
    extension = root / "policy_sphinx_extensions" / "site" / "sitemap.py"
    extension_line = add_import(extension, "from tools import revisions")
    findings = run_imports(root).findings
    assert {(Path(f.path).resolve(), f.line, f.rule) for f in findings} == {
        (core.resolve(), core_line, "import-layers"),
        (extension.resolve(), extension_line, "import-layers"),
    }
    messages = " ".join(finding.message for finding in findings)
    assert "policy_core.addresses imports policy_sphinx_extensions.build.refusals" in messages
    assert "policy_sphinx_extensions.site.sitemap imports tools.revisions" in messages


def test_make_lint_fails_on_an_import_upward(tmp_path, capsys, monkeypatch):
    root = layered_copy(tmp_path / "project")
    add_import(root / "policy_core" / "yamldata.py", "import tools.lint")
    monkeypatch.setattr(lint, "ROOT", root)
    assert lint.main(["--check", "imports"]) == 1
    out, err = capsys.readouterr()
    assert "policy_core/yamldata.py" in out and "import-layers" in out
    assert "imports: " in err and "1 finding" in err
