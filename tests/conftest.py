"""Shared fixtures: the real site built once per session, tiny projects, a browser;
factories of a notice's source and of a navigation; the `browser` and `pdf` markers;
how pytest-xdist shares the tests between processes.

Every build runs Sphinx's own command line (``sphinx.cmd.build.build_main``)
in the test process, with the project's own ``conf.py`` and the same strict
options as ``make html``, so a test sees what a reader (or the Makefile) would
without paying for a new Python and a fresh import of Sphinx each time.
A test of one extension names it (``project(files, extensions=[...])``): its
build sets up that extension and what it declares it needs, not the whole
site's, and asserts on what the build saved (``Build.environment``,
``Build.doctree``) or wrote.
No build renders PDFs unless its test asks (``-D policy_pdf_publish=1``):
they are off in every build but ``make html``.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import locale
import os
import pickle
import shutil
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from docutils import nodes
from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from sphinx.cmd.build import build_main
from sphinx.cmd.build import main as sphinx_main
from sphinx.environment import BuildEnvironment

from policy_sphinx_extensions.pdf.render import Renderer
from tools.site_browser import launch_chromium
from xdist.scheduler import LoadFileScheduling

ROOT = Path(__file__).resolve().parents[1]

# The tests read what Sphinx and make print, which must be the same whether
# pytest runs alone, under `make test` (where a nested make names the folder
# it enters) or in CI (where Sphinx colours its output when CI=true).
os.environ["NO_COLOR"] = "1"
for name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
    os.environ.pop(name, None)
SOURCE = ROOT / "source"
STRICT = ["-W", "--keep-going", "-n"]

# -- factories of sources: a notice, a navigation ------------------------------

def front_matter(date: str = "2024-10-04", changes=None, fields: str = "") -> str:
    """A notice's front matter: *fields* (YAML lines), its *date* and its *changes*,
    (date, kind, summary) triples, by default its first version on *date*."""
    if changes is None:
        changes = [(date, "material", "First version.")]
    entries = "".join(f"  - date: {day}\n    kind: {kind}\n    summary: {summary}\n"
                      for day, kind, summary in changes)
    return f"---\n{fields}date: {date}\nchanges:\n{entries}---\n"


def notice(body: str = "Text.\n", title: str = "Example Notice", **front) -> str:
    """A notice's source: its front matter (``front_matter(**front)``), title and *body*."""
    return f"{front_matter(**front)}\n# {title}\n\n{body}"


def navigation(*entries) -> str:
    """A navigation.yaml listing *entries*: each a path (its own title), a (title,
    path) pair, or a (title, [entries]) group."""

    def lines(entries, indent: str) -> str:
        text = ""
        for entry in entries:
            title, target = (entry, entry) if isinstance(entry, str) else entry
            text += f"{indent}- title: {title}\n"
            if isinstance(target, str):
                text += f"{indent}  path: {target}\n"
            else:
                text += f"{indent}  children:\n" + lines(target, indent + "    ")
        return text

    return "live_site: https://policies.python.org/\nnav:\n" + lines(entries, "  ")


# The smallest valid tiny project: a notice at its first version, and a home
# page with the site map, with MINIMAL_NAVIGATION.
NOTICE_FRONT_MATTER = front_matter()
HOME_PAGE = "# Home\n\n```{site-map}\n```\n"
MINIMAL_NAVIGATION = navigation(("Example Notice", "example/Notice"))


# -- markers: `pytest -m "not browser and not pdf"` runs the fast half ---------
#
# Set from what a test does, so no test can be left without it: a test that
# uses the browser fixture is `browser`; the tests of tests/test_pdf.py are
# `pdf`. Any other test whose build renders a PDF must say `pdf` itself, or it
# fails naming the marker it lacks: a build in this process as it starts to
# render (_submit_when_marked), a command (`make html`) by the site PDF it
# leaves in the test's tmp_path (pdfs_only_when_marked).

def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in item.fixturenames:
            item.add_marker(pytest.mark.browser)
            if item.path.name not in BROWSER_MODULES:
                raise pytest.UsageError(
                    f"{item.nodeid} uses the browser: list {item.path.name} in BROWSER_MODULES "
                    "(tests/conftest.py), whose tests run in one process, with one Chromium")
        if item.path.name == "test_pdf.py":
            item.add_marker(pytest.mark.pdf)


# -- processes: `make test` and `make test-fast` share the tests between two ----
#
# pytest-xdist (`-n 2 --dist loadfile`) runs all the tests of a module in one
# process, so that a module's shared builds are made once. The modules whose
# tests use the browser count as one: one process runs them all, with one
# Chromium (the session's `browser`). Nothing else is shared between the
# processes: each has its own tmp_path folders, every server listens on a free
# port, and the project's own files are only read.

BROWSER_MODULES = frozenset({
    "test_browser.py", "test_browser_checks.py", "test_reader_page.py", "test_serve.py",
    "test_tools.py",
})


class ModulesScheduling(LoadFileScheduling):
    """pytest-xdist's loadfile, the browser modules one unit of work.

    Its loadgroup would group them by a mark, but it does so by rewriting each
    test's node id, which pytest 9 no longer reads (its node ids are
    structured): the unit of a test is decided here instead, from its module.
    """

    def _split_scope(self, nodeid: str) -> str:
        module = super()._split_scope(nodeid)
        return "browser" if Path(module).name in BROWSER_MODULES else module


def pytest_xdist_make_scheduler(config, log):
    if config.getvalue("dist") == "loadfile":
        return ModulesScheduling(config, log)
    return None


_running: list[pytest.Item] = []  # the test being set up, run or torn down


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    _running.append(item)
    try:
        return (yield)
    finally:
        _running.pop()


def _submit_when_marked(renderer, job, submit=Renderer.submit):
    # Patched for the whole session, not per test: a module- or session-scoped
    # fixture builds while the first test that uses it is being set up.
    if _running and not _running[-1].get_closest_marker("pdf"):
        pytest.fail(f"{_running[-1].nodeid} renders a PDF: mark it @pytest.mark.pdf")
    return submit(renderer, job)


Renderer.submit = _submit_when_marked


@pytest.fixture(autouse=True)
def pdfs_only_when_marked(request):
    if "tmp_path" not in request.fixturenames or request.node.get_closest_marker("pdf"):
        yield
        return
    tmp_path = request.getfixturevalue("tmp_path")
    yield
    # The site's PDFs are written into a `pdf` folder (the tools' redline PDFs,
    # one page each, are not the PDF builds this marker is about).
    rendered = [path for path in sorted(tmp_path.rglob("pdf/*.pdf")) if _rendered(path)]
    assert not rendered, f"renders PDFs ({rendered[0]}): mark it @pytest.mark.pdf"


def _rendered(path: Path) -> bool:
    """Whether *path* is a PDF that WeasyPrint wrote (a test's own file is not)."""
    try:
        producer = PdfReader(path).metadata.producer
    except (PdfReadError, AttributeError, OSError, ValueError):
        return False
    return (producer or "").startswith("WeasyPrint")


@dataclass
class Build:
    """The outcome of one sphinx-build run."""

    returncode: int
    output: str
    outdir: Path

    def page(self, path: str) -> str:
        """The HTML of the page at URL *path* (``""`` is the home page)."""
        return (self.outdir / path / "index.html").read_text(encoding="utf-8")

    def environment(self) -> BuildEnvironment:
        """The build environment as the build saved it: its configuration, each
        document's metadata, the domains' data."""
        return pickle.loads((self.outdir / ".doctrees" / "environment.pickle").read_bytes())

    def doctree(self, docname: str) -> nodes.document:
        """The doctree of *docname* as read (before it is resolved for writing)."""
        return pickle.loads((self.outdir / ".doctrees" / f"{docname}.doctree").read_bytes())


# Set up in every build that names its extensions: first the site's reader of
# its Markdown pages (MyST, with the site's settings and page limits), last the
# templates compiled once for the process, as make serve does.
PAGE_READER = "policy_sphinx_extensions.reading.page_parser"
TEMPLATES_ONCE = "policy_sphinx_extensions.build.compiled_templates"


def sphinx_build(srcdir: Path, outdir: Path, builder: str = "dirhtml", *extra: str,
                 extensions: list[str] | None = None) -> Build:
    """Run ``sphinx-build`` in this process, as the Makefile runs it in its own.

    With *extensions*, the build sets up those (between PAGE_READER and
    TEMPLATES_ONCE) instead of the whole site's, each with what it declares it
    needs; the rest of ``conf.py`` applies as it is.
    """
    if extensions is not None:
        names = dict.fromkeys([PAGE_READER, *extensions, TEMPLATES_ONCE])
        extra = ("-D", "extensions=" + ",".join(names), *extra)
    output = io.StringIO()
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        try:
            returncode = build_main(
                ["-b", builder, "-c", str(ROOT), *STRICT, *extra, str(srcdir), str(outdir)]
            )
        except SystemExit as refused:  # a build refused (policy_sphinx_extensions.build.refusals)
            returncode = refused.code
    return Build(returncode, output.getvalue(), outdir)


# The commands a tool runs that the tests run in this process: its own Python,
# ``-m sphinx``, or ``-m tools.lint`` (the lint the import runs in its project).
SPHINX_COMMAND = [sys.executable, "-m", "sphinx"]
LINT_COMMAND = [sys.executable, "-m", "tools.lint"]
run_process, start_process = subprocess.run, subprocess.Popen


def _lint_main(project: Path):
    """``main`` of *project*'s own ``tools.lint``, as ``python -m tools.lint`` run
    there imports it: its tools/ reads its word list and accepted findings."""
    sys.path.insert(0, str(project))
    return importlib.import_module("tools.lint").main


def run_sphinx_command(command: list[str], cwd, stdout, stderr) -> int:
    """``python -m sphinx ...`` or ``python -m tools.lint ...`` (*command*) in this
    process, in *cwd*, printing to *stdout* and *stderr*: its exit status, as its
    own process would end."""
    path, folder, conf = list(sys.path), os.getcwd(), sys.modules.get("conf")
    tools = {name: module for name, module in sys.modules.items()
             if name == "tools" or name.startswith("tools.")}
    language = locale.setlocale(locale.LC_ALL)
    try:
        os.chdir(cwd or folder)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                if list(command[:3]) == LINT_COMMAND:
                    for name in tools:
                        del sys.modules[name]
                    return _lint_main(Path(cwd or folder))(list(command[3:]))
                return sphinx_main(list(command[3:]))
            except SystemExit as stopped:  # as Python ends a process on it
                if stopped.code is None or isinstance(stopped.code, int):
                    return stopped.code or 0
                print(stopped.code, file=sys.stderr)
                return 1
    finally:
        os.chdir(folder)
        locale.setlocale(locale.LC_ALL, language)  # Sphinx's main sets the user's
        # A conf.py puts its folder first on the path, and the spelling check's
        # imports the site's by name (`conf`): a process of its own would
        # forget both.
        sys.path[:] = path
        if conf is None:
            sys.modules.pop("conf", None)
        else:
            sys.modules["conf"] = conf
        for name in [name for name in sys.modules if name == "tools" or name.startswith("tools.")]:
            if name not in tools:
                del sys.modules[name]
        sys.modules.update(tools)


class SphinxProcess:
    """``Popen(python -m sphinx ..., stdout=PIPE, stderr=STDOUT, text=True)``, the
    build run in this process as it starts; ``communicate()`` gives its output."""

    def __init__(self, command, cwd=None) -> None:
        output = io.StringIO()
        self.args = command
        self.returncode = run_sphinx_command(command, cwd, output, output)
        self.output = output.getvalue()

    def communicate(self, input=None, timeout=None):  # noqa: A002 - Popen's own names
        return self.output, None


@contextlib.contextmanager
def sphinx_in_process():
    """Run the Sphinx builds a tool starts (``subprocess.run`` or ``Popen`` of
    ``[sys.executable, "-m", "sphinx", ...]``), and the lint the import runs in
    its project (``-m tools.lint``), in this process: the tool's own command
    line, output and exit status, without a new Python and a fresh import of
    Sphinx for each. Any other command runs as a process, as ever. Each tool's
    own tests keep one run whose builds are processes."""

    def run(command, *args, cwd=None, capture_output=False, text=False, check=False, **options):
        if list(command[:3]) not in (SPHINX_COMMAND, LINT_COMMAND) or args or options \
                or not (capture_output and text):
            return run_process(command, *args, cwd=cwd, capture_output=capture_output,
                               text=text, check=check, **options)
        stdout, stderr = io.StringIO(), io.StringIO()
        returncode = run_sphinx_command(command, cwd, stdout, stderr)
        process = subprocess.CompletedProcess(command, returncode, stdout.getvalue(),
                                              stderr.getvalue())
        if check:
            process.check_returncode()
        return process

    def popen(command, *args, **options):
        merged = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
        cwd = options.pop("cwd", None)
        if list(command[:3]) != SPHINX_COMMAND or args or options != merged:
            return start_process(command, *args, cwd=cwd, **options)
        return SphinxProcess(command, cwd)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(subprocess, "run", run)
        patch.setattr(subprocess, "Popen", popen)
        yield


def write_project(root: Path, files: dict[str, str]) -> Path:
    """A source tree under *root* holding *files* (dedented), plus a minimal navigation."""
    files = {"_data/navigation.yaml": MINIMAL_NAVIGATION, **files}
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Build:
    """The real site, built once for the whole test session."""
    build = sphinx_build(SOURCE, tmp_path_factory.mktemp("site") / "html")
    assert build.returncode == 0, build.output
    return build


@pytest.fixture
def project(tmp_path):
    """Build a tiny project: ``project({"index.md": ..., ...})`` returns a Build;
    ``project(files, extensions=[...])`` sets up only those (see sphinx_build)."""

    def build(files: dict[str, str], builder: str = "dirhtml", *extra: str,
              extensions: list[str] | None = None) -> Build:
        srcdir = write_project(tmp_path / "source", files)
        return sphinx_build(srcdir, tmp_path / "out", builder, *extra, extensions=extensions)

    return build


# Files of the project a tiny git repository needs to build its own site.
PROJECT_FILES = ["conf.py", "policy_sphinx_extensions", "policy_core", "_templates", "_static"]


def copy_project(target: Path, names: list[str] = PROJECT_FILES) -> Path:
    """A copy of this project's *names* (its configuration, by default) in *target*."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, target / name)
    return target


class GitProject:
    """A git repository of a tiny source tree (``source/``).

    The tests' builds take this project's configuration (``-c ROOT``); a tool
    that builds a revision with that revision's own configuration (the
    redline, the address check) needs it committed too: *with_configuration*.
    """

    def __init__(self, root: Path, with_configuration: bool = False) -> None:
        self.root = root
        root.mkdir(parents=True)
        if with_configuration:
            copy_project(root)
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str) -> str:
        process = subprocess.run(
            ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
             "-C", str(self.root), *args],
            capture_output=True, text=True, check=True,
        )
        return process.stdout.strip()

    def commit(self, files: dict[str, str | None], message: str = "Change") -> str:
        """Write (or, for None, delete) source *files*, commit all; return the commit."""
        for name, text in files.items():
            path = self.root / "source" / name
            if text is None:
                path.unlink()
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        navigation = self.root / "source" / "_data" / "navigation.yaml"
        if not navigation.exists():
            navigation.parent.mkdir(parents=True, exist_ok=True)
            navigation.write_text(MINIMAL_NAVIGATION, encoding="utf-8")
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def git_project(tmp_path) -> GitProject:
    """An empty git repository with the project's conf.py and extensions: commit to it."""
    return GitProject(tmp_path / "repo")


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver's `httpserver` listens on 127.0.0.1 only, on a free port."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium, one for the whole session (tests open their own contexts)."""
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()
