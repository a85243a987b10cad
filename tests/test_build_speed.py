"""The fast build writes exactly what the stock build writes.

"Stock" is Sphinx, furo and the extensions unmodified (the benchmarks'
definition): one process, the sidebar rendered from scratch for every page
with furo's own toctree work left in, and the pure-Python stemmer. Every file
of the built site is compared byte for byte, except the build cache
(``.doctrees``) and ``.buildinfo``, which records a hash of the configuration
and so differs by definition.
"""

from __future__ import annotations

import filecmp
import subprocess
from pathlib import Path

import sphinx.builders.html as html_builder
from sphinx.environment.adapters import toctree
from sphinx.jinja2glue import BuiltinTemplateLoader

from benchmarks import synthetic
from benchmarks.build_speed import sphinx_command
from conftest import SOURCE, sphinx_build

NOT_OUTPUT = {".doctrees", ".buildinfo"}


def differences(ours: Path, theirs: Path) -> list[str]:
    """Relative paths of output files that differ or exist on one side only."""
    found = []

    def walk(comparison: filecmp.dircmp, prefix: str) -> None:
        for name in comparison.left_only + comparison.right_only + comparison.funny_files:
            found.append(prefix + name)
        _, mismatch, errors = filecmp.cmpfiles(
            comparison.left, comparison.right, comparison.common_files, shallow=False
        )
        found.extend(prefix + name for name in mismatch + errors)
        for name, sub in comparison.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(ours, theirs, ignore=list(NOT_OUTPUT)), "")
    return sorted(found)


def output_files(outdir: Path) -> list[str]:
    return sorted(
        str(path.relative_to(outdir))
        for path in outdir.rglob("*")
        if path.is_file() and not NOT_OUTPUT & set(path.relative_to(outdir).parts)
    )


def build(command: list[str]) -> None:
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr


def test_real_site_is_identical_to_the_stock_build(site, tmp_path):
    stock = tmp_path / "stock"
    build(sphinx_command(SOURCE, stock, stock=True))
    files = output_files(site.outdir)
    assert "python.org/Privacy-Notice/index.html" in files
    assert "searchindex.js" in files
    assert differences(site.outdir, stock) == []


def test_synthetic_site_in_parallel_is_identical_to_the_stock_build(tmp_path):
    srcdir = synthetic.make_sphinx_source(tmp_path / "source", 12)
    build(sphinx_command(srcdir, tmp_path / "ours", jobs="2"))
    build(sphinx_command(srcdir, tmp_path / "stock", stock=True))
    files = output_files(tmp_path / "ours")
    assert f"{synthetic.notice_path(12)}/index.html" in files
    assert differences(tmp_path / "ours", tmp_path / "stock") == []


def test_the_comparison_sees_a_changed_byte_and_a_missing_file(tmp_path):
    for side in ("ours", "theirs"):
        (tmp_path / side / "page").mkdir(parents=True)
        (tmp_path / side / "page" / "index.html").write_text("<p>same</p>")
        (tmp_path / side / ".buildinfo").write_text(side)
    assert differences(tmp_path / "ours", tmp_path / "theirs") == []
    (tmp_path / "theirs" / "page" / "index.html").write_text("<p>sane</p>")
    (tmp_path / "ours" / "extra.html").write_text("")
    assert differences(tmp_path / "ours", tmp_path / "theirs") == ["extra.html", "page/index.html"]


def counted_build(srcdir: Path, outdir: Path, once_per_build: bool, monkeypatch) -> int:
    """Build, counting how often Sphinx resolves the site-wide toctree (what
    furo's sidebar needs): under the name the HTML builder calls and its own."""
    calls = []
    original = toctree.global_toctree_for_doc

    def counting(*args, **kwargs):
        calls.append(args[1])
        return original(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(toctree, "global_toctree_for_doc", counting)
        patch.setattr(html_builder, "global_toctree_for_doc", counting)
        build = sphinx_build(srcdir, outdir, "dirhtml", "-q",
                             "-D", f"policy_sidebar_once_per_build={int(once_per_build)}")
    assert build.returncode == 0, build.output
    return len(calls)


def test_furo_sidebar_toctree_is_computed_for_no_page(tmp_path, monkeypatch):
    srcdir = synthetic.make_sphinx_source(tmp_path / "source", 3)
    assert counted_build(srcdir, tmp_path / "fast", True, monkeypatch) == 0
    # The stock path resolves it once per HTML page (notices, home, search, index).
    pages = len(list((tmp_path / "fast").rglob("*.html")))
    assert pages >= 6
    assert counted_build(srcdir, tmp_path / "stock", False, monkeypatch) == pages


def test_the_sidebar_tree_is_rendered_once_per_build(tmp_path, monkeypatch):
    srcdir = synthetic.make_sphinx_source(tmp_path / "source", 3)
    renders = {}
    original = BuiltinTemplateLoader.render
    for once in (True, False):
        calls = []

        def counting(loader, template, context):
            if template == "sidebar/navigation-tree.html":
                calls.append(context.get("pagename"))
            return original(loader, template, context)

        with monkeypatch.context() as patch:
            patch.setattr(BuiltinTemplateLoader, "render", counting)
            build = sphinx_build(srcdir, tmp_path / f"once-{once}", "dirhtml", "-q",
                                 "-D", f"policy_sidebar_once_per_build={int(once)}")
        assert build.returncode == 0, build.output
        renders[once] = len(calls)
    pages = len(list((tmp_path / "once-True").rglob("*.html")))
    assert renders == {True: 1, False: pages}
    # The same pages either way, each with its own page marked.
    assert differences(tmp_path / "once-True", tmp_path / "once-False") == []
    page = (tmp_path / "once-True" / synthetic.notice_path(2) / "index.html").read_text()
    assert '<a class="reference internal current" aria-current="page" href="#">' \
        'Synthetic Notice 2</a>' in page
