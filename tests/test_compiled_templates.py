"""The site's templates compiled once (policy_sphinx_extensions.build.compiled_templates):
a build compiles no template it compiled before, and a changed template anew."""

from __future__ import annotations

import jinja2
from conftest import HOME_PAGE, copy_project, notice, sphinx_build, write_project

from policy_sphinx_extensions.build.compiled_templates import CompiledTemplates


def compiled_during(monkeypatch, build) -> list[str]:
    """The names of the page templates Jinja compiled while *build* ran."""
    names: list[str] = []
    original = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        if name and name.endswith(("page.html", "base.html", "layout.html")):
            names.append(name)
        return original(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    result = build()
    monkeypatch.setattr(jinja2.Environment, "compile", original)
    assert result.returncode == 0, result.output
    return names


def test_a_template_is_compiled_once_and_again_when_it_changes(tmp_path, monkeypatch):
    config = copy_project(tmp_path / "config")
    srcdir = write_project(tmp_path / "source", {"index.md": HOME_PAGE, "example/Notice.md": notice()})
    outdir = tmp_path / "out"

    def build():
        return sphinx_build(srcdir, outdir, "dirhtml", "-c", str(config), extensions=[
            "policy_sphinx_extensions.build.compiled_templates",
            "policy_sphinx_extensions.navigation"])

    CompiledTemplates.in_memory.clear()
    assert compiled_during(monkeypatch, build)  # the first build compiles them
    (srcdir / "example/Notice.md").write_text(notice("Other text.\n"), encoding="utf-8")
    assert compiled_during(monkeypatch, build) == []  # from memory
    CompiledTemplates.in_memory.clear()
    (srcdir / "example/Notice.md").write_text(notice("Third text.\n"), encoding="utf-8")
    assert compiled_during(monkeypatch, build) == []  # from the doctree folder
    assert list((outdir / ".doctrees" / "compiled-templates").iterdir())
    # A changed template is compiled anew, and the pages say what it says now.
    page = config / "_templates" / "page.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{%- endblock body -%}", "<!-- compiled anew -->{%- endblock body -%}"), encoding="utf-8")
    assert compiled_during(monkeypatch, build) == ["page.html"]
    assert "<!-- compiled anew -->" in (outdir / "example" / "Notice" / "index.html").read_text(encoding="utf-8")
