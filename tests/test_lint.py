"""tools/lint.py: each tool reports bad input at its file and line, passes good input;
`make lint` passes the real tree and names every defect in a broken copy of the notice."""

from __future__ import annotations

import configparser
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import HOME_PAGE, ROOT, SOURCE, navigation, sphinx_in_process, write_project

from policy_core import yamldata
from tools import lint
from tools.myst_notice import display_path, files_in
from tools.policy_lint import Finding

NOTICE = """\
---
date: 2024-10-04
changes:
  - date: 2024-10-04
    kind: material
    summary: Corrected "ther" to "their".
---

# Example Notice

"""
NOTICE_LINES = NOTICE.count("\n")


@pytest.fixture(autouse=True)
def builds_in_process():
    """The spelling and strict builds of the checks, in this process
    (conftest.sphinx_in_process); `make lint`, the pre-commit hook and the
    runs of ``python -m tools.lint`` below start them as processes."""
    with sphinx_in_process():
        yield


def context(tmp_path: Path, files: dict[str, str]) -> lint.Context:
    """A tiny project (with a home page, which Sphinx needs) to lint."""
    return lint.Context(
        write_project(tmp_path / "source", {"index.md": HOME_PAGE, **files}), tmp_path / "build"
    )


def by_rule(findings: list[Finding]) -> dict[str, list[tuple[str, int]]]:
    rules: dict[str, list[tuple[str, int]]] = {}
    for finding in findings:
        rules.setdefault(finding.rule, []).append((Path(finding.path).name, finding.line))
    return rules


# --- Markdown lint (pymarkdown) ----------------------------------------------

MARKDOWN_BAD = NOTICE + (
    "Trailing space \n"  # 11 md009
    "\n"
    "Tab\there\n"  # 13 md010
    "\n"
    "Setext heading\n"  # 15 md003
    "--------------\n"
    "\n"
    "##### Skipped levels\n"  # 18 md001
    "\n"
    "* star marker\n"  # 20 md004
    "\n"
    "No final newline"  # 22 md047
)

MARKDOWN_GOOD = NOTICE + """\
(label)=
## 1. Section with a [reference](#label) and {ref}`a role <label>`

```{note}
:class: tip
A directive.
```

- dash list
- second item
"""


def test_markdown_lint_reports_each_rule_at_its_line(tmp_path):
    rules = by_rule(lint.run_markdown(context(tmp_path, {"bad.md": MARKDOWN_BAD})).findings)
    assert rules == {
        "md009": [("bad.md", 11)],
        "md010": [("bad.md", 13)],
        "md003": [("bad.md", 15)],
        "md001": [("bad.md", 18)],
        "md004": [("bad.md", 20)],
        "md047": [("bad.md", 22)],
    }


def test_markdown_lint_accepts_myst(tmp_path):
    assert lint.run_markdown(context(tmp_path, {"good.md": MARKDOWN_GOOD})).findings == []


def test_make_format_fixes_what_lint_reports(tmp_path):
    source = write_project(tmp_path / "source", {"x.md": NOTICE + "* star\n* list\n"})
    before = lint.run_markdown(lint.Context(source, tmp_path)).findings
    assert [finding.rule for finding in before] == ["md004"]
    subprocess.run(
        ["make", "-s", "format", f"SOURCEDIR={source}"], cwd=ROOT, check=True, capture_output=True
    )
    assert (source / "x.md").read_text(encoding="utf-8").endswith("- star\n- list\n")
    assert lint.run_markdown(lint.Context(source, tmp_path)).findings == []


# Real policy text: what must pass, each beside the mistake that must still fail.
TUNED = [
    # (good, bad, rule the bad one breaks)
    ("Python Software Foundation  \n9450 SW Gemini Dr.  \nBeaverton, OR 97008\n",
     "Python Software Foundation \n9450 SW Gemini Dr.\n", "md009"),
    ("Signed,\\\nThe PSF\n", "Signed,   \nThe PSF\n", "md009"),
    ("## 1. Scope\n\n### a. Users.\n", "## 1. Scope\n\n### a. Users:\n", "md026"),
]


def test_markdown_lint_tuned_on_policy_text(tmp_path):
    for index, (good, bad, rule) in enumerate(TUNED):
        ctx = context(tmp_path / str(index), {"good.md": NOTICE + good, "bad.md": NOTICE + bad})
        rules = by_rule(lint.run_markdown(ctx).findings)
        assert set(rules) == {rule}, (good, rules)
        assert {name for name, _ in rules[rule]} == {"bad.md"}, (good, rules)


def test_front_matter_title_key_is_no_heading(tmp_path):
    titled = NOTICE.replace("---\ndate:", "---\ntitle: Example Notice\ndate:", 1)
    ctx = context(
        tmp_path, {"good.md": titled + "Text.\n", "bad.md": titled + "# A second title\n"}
    )
    assert by_rule(lint.run_markdown(ctx).findings) == {"md025": [("bad.md", NOTICE_LINES + 2)]}


def test_make_format_changes_only_quotes_in_the_page(tmp_path, project):
    """Hard line breaks, code, roles, URLs and front-matter keys come out of
    `make format` as they went in; straight quotes become typographic."""
    page = NOTICE.replace('Corrected "ther" to "their".', 'Set the PSF\'s "name".') + (
        "Python Software Foundation  \n"
        "9450 SW Gemini Dr.\\\n"
        "Beaverton, OR 97008\n\n"
        'The processor\'s "terms" apply, see `it\'s "code"` and\n'
        "[the \"page\"](https://example.com/?a='b') or <https://example.com/x'y>.\n\n"
        "```text\nQuoted \"as is\" in code, don't.\n```\n\n"
        "The users' data, an odd \" quote.\n\n"
        "Setext heading\n--------------\n\n"
        "## The Foundation's role\n\n"
        "* star\tlist\n* items\n\n"
        "```text\ntab\tin code\n```\n\n"
        "Three spaces   \nbreak, one space \nno break."
    )
    files = {"index.md": HOME_PAGE, "example/Notice.md": page}
    before = project(files, "dirhtml")
    assert before.returncode == 0, before.output
    source = tmp_path / "source"
    subprocess.run(["make", "-s", "format", f"SOURCEDIR={source}"], cwd=ROOT, check=True,
                   capture_output=True)
    formatted = (source / "example" / "Notice.md").read_text(encoding="utf-8")
    assert "Foundation  \n" in formatted and "Dr.\\\n" in formatted
    assert "- star " in formatted and "star\t" not in formatted and "tab\tin code" in formatted
    assert "`it's \"code\"`" in formatted and "?a='b'" in formatted and "x'y>" in formatted
    assert 'Quoted "as is" in code, don\'t.' in formatted
    assert "## The Foundation's role\n" in formatted  # its id would change
    # Ambiguous ones stay for a person, and lint still names them.
    assert "users' data, an odd \" quote" in formatted
    after = project({"index.md": HOME_PAGE, "example/Notice.md": formatted}, "dirhtml")
    assert after.returncode == 0, after.output
    expected = before.page("example/Notice/")
    for straight, typographic in [
        ("PSF's", "PSF’s"), ('"name"', "“name”"), ("processor's", "processor’s"),
        ("&quot;terms&quot;", "“terms”"), ('"terms"', "“terms”"),
        ("the &quot;page&quot;", "the “page”"), ('the "page"', "the “page”"),
    ]:
        expected = expected.replace(straight, typographic)
    assert after.page("example/Notice/") == expected
    assert after.page("example/Notice/").count("<br") == 3
    policy = lint.run_policy(lint.Context(source, tmp_path)).findings
    assert {f.rule for f in policy} == {"straight-quote", "unbalanced-brackets"}
    assert {f.line for f in policy} == {
        formatted.split("\n").index(text) + 1
        for text in ("The users' data, an odd \" quote.", "## The Foundation's role")
    }


# --- spelling (sphinxcontrib-spelling) ----------------------------------------


LIVE_NOTICE = "live.md"


@pytest.fixture(scope="module")
def spelling_checked(tmp_path_factory):
    """The spelling check of a tiny project, run once: pages with misspellings, a
    clean page, and the notice as the previous site rendered it (tests/data);
    (context, findings)."""
    ctx = context(
        tmp_path_factory.mktemp("spelling"),
        {
            LIVE_NOTICE: (ROOT / "tests" / "data" / "live-python.org-Privacy-Notice.md").read_text(
                encoding="utf-8"),
            "bad.md": NOTICE
            + "We share ther data\nasnd you may [recieve](https://a.example/) it.\n"
            "Your behavour.\nWe don’t keep it, we dont’ share it.\n",
            "history.md": NOTICE.replace('Corrected "ther" to "their"', "Fixed teh title"),
            "good.md": NOTICE.replace('"ther" to "their"', "“ther” to “their”")
            + "The PSF, PyPI, PyCon US, Fastly, Sentry and Plausible serve python.org\n"
            "users; see <https://example.com/privacy>.\n"
            "Your behaviour, our behavior; an acknowledgement, an acknowledgment.\n"
            "We aren’t, it isn’t, they don’t; the PSF’s notices.\n",
        },
    )
    with sphinx_in_process():
        return ctx, lint.run_spelling(ctx).findings


def test_spelling(spelling_checked):
    """Misspellings are reported at their line; names in the word list, US and
    British spellings, and a word quoted as written pass."""
    _, findings = spelling_checked
    findings = [f for f in findings if Path(f.path).name != LIVE_NOTICE]
    words = sorted((f.message.split("'")[1], Path(f.path).name, f.line) for f in findings)
    assert words == [
        ("asnd", "bad.md", NOTICE_LINES + 2),
        ("behavour", "bad.md", NOTICE_LINES + 3),
        ("dont", "bad.md", NOTICE_LINES + 4),
        ("recieve", "bad.md", NOTICE_LINES + 2),
        ("teh", "history.md", 6),
        ("ther", "bad.md", NOTICE_LINES + 1),
    ], findings
    assert {f.rule for f in findings} == {"spelling"}
    assert "did you mean" in findings[0].message


def test_spelling_reports_do_not_outlive_the_fix(tmp_path):
    ctx = context(tmp_path, {"x.md": NOTICE + "ther\n"})
    assert len(lint.run_spelling(ctx).findings) == 1
    (ctx.source / "x.md").write_text(NOTICE + "there\n", encoding="utf-8")
    assert lint.run_spelling(ctx).findings == []


def test_spelling_build_that_cannot_run_is_a_finding(tmp_path):
    source = write_project(tmp_path / "source", {"x.md": NOTICE})  # no home page
    (finding,) = lint.run_spelling(lint.Context(source, tmp_path / "build")).findings
    assert (finding.rule, finding.line) == ("build", 0)
    # The cause alone, not Sphinx's report of a crash around it.
    assert "spelling build failed: " in finding.message
    assert "unable to load the master document" in finding.message
    assert "report this error" not in finding.message


# --- strict build and leaked markup (Sphinx, sphinx-lint) ---------------------


@pytest.fixture(scope="module")
def html_checked(tmp_path_factory):
    """The strict build and leaked-markup check of a tiny project, run once: a notice
    with an unclosed role and a link to no page, beside a clean one; (context, findings)."""
    ctx = context(tmp_path_factory.mktemp("html"), {
        "_data/navigation.yaml": navigation(("Example Notice", "example/Notice"),
                                            ("Clean Notice", "example/Clean")),
        "example/Notice.md": NOTICE + "An unclosed role {ref}`broken and `x` text.\n\n"
                                      "A [link](missing.md).\n",
        "example/Clean.md": NOTICE + "A `code` span, a {ref}`link <x>`.\n\n(x)=\n## Part\n",
    })
    with sphinx_in_process():
        return ctx, lint.run_html(ctx).findings


def test_strict_build_and_leaked_markup(html_checked):
    ctx, findings = html_checked
    rules = by_rule(findings)
    assert ("Notice.md", NOTICE_LINES + 1) in rules["sphinx"]
    assert ("Notice.md", NOTICE_LINES + 3) in rules["sphinx"]
    (leak,) = [f for f in findings if f.rule == "leaked-markup"]
    # At the line of the source an editor edits, never at the built page.
    assert (leak.path, leak.line) == (str(ctx.source / "example/Notice.md"), NOTICE_LINES + 1)
    assert "x`" in leak.message and "is not closed" in leak.message


def test_strict_build_reports_the_same_on_a_second_run(html_checked):
    ctx, first = html_checked
    assert sorted(f.rule for f in first) == ["leaked-markup", "sphinx", "sphinx"]
    assert lint.run_html(ctx).findings == first


def test_leaked_markup_quiet_on_clean_pages(html_checked):
    ctx, findings = html_checked
    # Each finding is the broken notice's: none at the clean one, none at no file.
    assert {f.path for f in findings} == {str(ctx.source / "example/Notice.md")}


def test_leaked_markup_without_a_build_environment_finds_no_page(tmp_path):
    outdir = tmp_path / "html"
    (outdir / "example").mkdir(parents=True)
    (outdir / "example" / "index.html").write_text("<p>a\n`leaked</p>\n", encoding="utf-8")
    assert lint.leaked_markup(outdir, tmp_path) == []


def test_source_line_of_leaked_words():
    lines = ["# Title", "", "An unclosed {ref}`addresses and more", "`x` text"]
    assert lint.source_line(lines, "{ref}`addresses") == 3
    assert lint.source_line(lines, "x`") == 4
    assert lint.source_line(lines, "nowhere`") == 0


# --- Python files (Ruff) -----------------------------------------------------


def test_python_files(tmp_path):
    (tmp_path / "good.py").write_text('"""Fine."""\n\nVALUE = 1\n', encoding="utf-8")
    (tmp_path / "bad.py").write_text(
        "import os \nif True:\n\tx = undefined\n", encoding="utf-8"
    )
    (tmp_path / "syntax.py").write_text("x = 1\ndef (:\n", encoding="utf-8")
    (tmp_path / "tail.py").write_text("x = 1", encoding="utf-8")
    rules = by_rule(lint.check_python([tmp_path]))
    assert ("syntax.py", 2) in rules.pop("invalid-syntax")
    assert rules == {
        "unused-import": [("bad.py", 1)],
        "trailing-whitespace": [("bad.py", 1)],
        "tab-indentation": [("bad.py", 3)],
        "undefined-name": [("bad.py", 3)],
        "missing-newline-at-end-of-file": [("tail.py", 1)],
    }
    assert lint.check_python([tmp_path / "good.py"]) == []


# --- GitHub Actions workflows (zizmor) -----------------------------------------

PINNED_WORKFLOW = """\
name: Check
on:
  pull_request:
permissions:
  contents: read
concurrency:
  group: check-${{ github.ref }}
  cancel-in-progress: true
jobs:
  check:
    name: Check
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1
        with:
          persist-credentials: false
      - run: make lint
"""


def test_workflows(tmp_path):
    good = tmp_path / "good.yml"
    good.write_text(PINNED_WORKFLOW, encoding="utf-8")
    assert lint.check_workflows([good]) == []
    bad = tmp_path / "bad.yml"
    bad.write_text(
        PINNED_WORKFLOW.replace("@3d3c42e5aac5ba805825da76410c181273ba90b1  # v7.0.1", "@v7")
        .replace("        with:\n          persist-credentials: false\n", "")
        .replace("permissions:\n  contents: read", "permissions: write-all")
        .replace("run: make lint", "run: echo ${{ github.event.pull_request.title }}"),
        encoding="utf-8",
    )
    rules = by_rule(lint.check_workflows([bad]))
    assert rules["unpinned-uses"] == [("bad.yml", 13)]
    assert rules["artipacked"] == [("bad.yml", 13)]
    assert rules["template-injection"] == [("bad.yml", 14)]
    assert rules["excessive-permissions"] == [("bad.yml", 4)]


def test_a_workflow_zizmor_cannot_read_is_a_finding(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("jobs: [unclosed\n", encoding="utf-8")
    (finding,) = lint.check_workflows([broken])
    assert (finding.rule, finding.line) == ("zizmor", 0)
    assert "zizmor failed" in finding.message


def test_a_missing_tool_is_a_finding(tmp_path, monkeypatch):
    monkeypatch.setattr(lint, "BIN", tmp_path)
    (finding,) = lint.check_python([tmp_path])
    assert finding.rule == "ruff" and "make venv" in finding.message
    workflow = tmp_path / "ci.yml"
    workflow.write_text(PINNED_WORKFLOW, encoding="utf-8")
    (finding,) = lint.check_workflows([workflow])
    assert finding.rule == "zizmor" and "not installed" in finding.message


def test_the_projects_workflows_pass_zizmor():
    result = lint.run_workflows(lint.Context(SOURCE, ROOT / "_build"))
    assert result.findings == []
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) >= 4  # tests, link check, addresses, daily publish
    assert result.checked == f"{len(workflows)} workflows"


# --- the whole run ------------------------------------------------------------


def test_unique_reports_one_problem_once():
    findings = [
        Finding("a.md", 2, "sphinx", "'date' is wrong [policy.date]"),
        Finding("a.md", 2, "front-matter", "'date' is wrong"),
        Finding("a.md", 3, "sphinx", "'date' is wrong [policy.date]"),
    ]
    assert lint.unique(findings) == [findings[1], findings[2]]


def test_make_lint_passes_the_real_tree(tmp_path):
    process = subprocess.run(
        ["make", "-s", "lint", f"BUILDDIR={tmp_path}"], cwd=ROOT, capture_output=True, text=True
    )
    assert process.returncode == 0, process.stdout + process.stderr
    assert process.stdout == ""
    # One line per check: what it read, and that it found nothing.
    summaries = process.stderr.splitlines()
    assert [line.split(":")[0] for line in summaries] == list(lint.CHECKS)
    assert all(line.endswith(", no findings") for line in summaries), summaries
    read = len(list(SOURCE.rglob("*.md"))) + len(list((SOURCE / "_data").glob("*.yaml")))
    assert f"policy: {read} files, no findings" in summaries


BREAKAGES = [
    # (old text, new text, rule, the new text's line is the old text's line + this)
    ("collects from python.org users", "collects from <python.org> users", "angle-domain", 0),
    ("how we share that", "how we share ther", "spelling", 0),
    ("- Full name", "- Full name asnd the the recieve", "doubled-word", 0),
    ("- Biography", "- Biography]", "unbalanced-brackets", 0),
    ("- Company, firm", "- Company , firm", "space-before-punctuation", 0),
    ("information transits their servers.",
     "information transits their servers https://www.fastly.com/.", "bare-url", 0),
    ("- To provide the python.org website to you",
     "- To provide the [python.org website](http://www.python.org/) to you", "link-scheme", 0),
    ("[PSF Privacy Notice](https://policies.python.org/PSF-Privacy-Notice/)",
     "[](https://policies.python.org/PSF-Privacy-Notice/)", "empty-link-text", 0),
    ("## 3. HOW", "## 2. HOW", "section-numbering", 0),
    ("- To prevent and detect fraud", '<b onclick="x">To prevent</b>', "raw-html", 0),
    ("- To protect and enforce our legal rights",
     "- To protect and enforce our legal rights\t", "md010", 0),
    ("  - date: 2024-10-04\n    kind: material",
     "  - date: 2024-10-04\n    kind: substantive", "front-matter", 1),
    ("- Email addresses", "- Email {ref}`addresses", "leaked-markup", 0),
    ("This notice is an addendum", "This notice is an\u200b addendum", "invisible-character", 0),
    ("- To enroll you for", "- To enroll you ([python.org](https://pyth\u03bfn.org/)) for",
     "confusable-host", 0),
    ("- To administer and improve the PSF and", "- To administer and improve the PSF's and",
     "straight-quote", 0),
]


def test_make_lint_names_each_defect_in_a_broken_notice(tmp_path, capsys):
    source = tmp_path / "source"
    shutil.copytree(SOURCE, source)
    notice = source / "python.org" / "Privacy-Notice.md"
    text = notice.read_text(encoding="utf-8")
    expected = set()
    for old, new, rule, offset in BREAKAGES:
        assert text.count(old) == 1, old
        line = text[: text.index(old)].count("\n") + 1 + offset
        text = text.replace(old, new)
        expected.add((rule, line))
    notice.write_text(text, encoding="utf-8")
    before = hashlib.sha256(notice.read_bytes()).hexdigest()

    assert lint.main(["--source", str(source), "--builddir", str(tmp_path / "build")]) == 1
    reported = set()
    for row in capsys.readouterr().out.splitlines():
        path, line, rule, message = row.split(":", 3)
        assert message.startswith(" ") and rule.startswith(" "), row
        assert path.endswith("Privacy-Notice.md"), row
        reported.add((rule.strip(), int(line)))
    assert expected <= reported, sorted(expected - reported)
    assert hashlib.sha256(notice.read_bytes()).hexdigest() == before, "lint rewrote a file"


# The checks that read the pages.
PAGE_CHECKS = [option for name in ("policy", "markdown", "spelling", "html")
               for option in ("--check", name)]


def test_a_page_not_saved_as_utf8_is_one_finding_at_its_line(tmp_path, capsys):
    page = (NOTICE.replace('"ther" to "their"', "\u201cther\u201d to \u201ctheir\u201d")
            + "The caf\u00e9 serves \u201cfresh\u201d bread.\n")
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE, "example/Notice.md": page})
    arguments = ["--source", str(source), "--builddir", str(tmp_path / "build"), *PAGE_CHECKS]
    assert lint.main(arguments) == 0, capsys.readouterr()
    capsys.readouterr()

    # An editor's Latin-1 save of the same page (its quotes as Latin-1 has none).
    notice = source / "example" / "Notice.md"
    notice.write_bytes(page.replace("\u201c", '"').replace("\u201d", '"').encode("latin-1"))
    assert lint.main(arguments) == 1
    process = capsys.readouterr()
    finding = f"{notice}:{NOTICE_LINES + 1}: encoding: {yamldata.NOT_UTF8}"
    # Once, beside the strict build's refusal; pymarkdown and the builds given
    # nothing they stop on with a traceback.
    assert process.out.splitlines() == [
        f"{source}:0: sphinx: Build stopped: the 1 problem(s) above may not be built "
        "(docs/security.md): nothing was read or written", finding]
    assert process.err.splitlines() == [
        "policy: 3 files, 1 finding", "markdown: 2 files, no findings",
        "spelling: 2 pages, no findings", "html: strict build, 0 pages built, 1 finding"]
    # Each check alone names it too.
    for name in ("markdown", "spelling"):
        assert lint.main([*arguments[:4], "--check", name]) == 1
        (row,) = capsys.readouterr().out.splitlines()
        assert row.startswith(f"{notice}:{NOTICE_LINES + 1}: ") and yamldata.NOT_UTF8 in row, row


# --- pre-commit -----------------------------------------------------------------


def test_pre_commit_runs_every_check_locally():
    config_file = ROOT / ".pre-commit-config.yaml"
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "validate-config", str(config_file)], check=True
    )
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    assert [repo["repo"] for repo in config["repos"]] == ["local"]
    entries = {hook["entry"] for hook in config["repos"][0]["hooks"]}
    assert entries == {f".venv/bin/python -m tools.lint --check {name}" for name in lint.CHECKS}


def test_tox_runs_the_makefile_targets(tmp_path):
    """tox defines no command of its own: each environment is a make target."""
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini", encoding="utf-8")
    targets = {}
    for section in tox.sections():
        if section.startswith("testenv:"):
            command = tox[section]["commands"].split()
            assert command[:1] == ["make"] and command[2] == "VENVDIR={env_dir}", command
            targets[section.removeprefix("testenv:")] = command[1]
    assert targets == {name: name for name in ("test", "html", "pdf", "lint", "linkcheck")}
    # The environment tox installed is the one the Makefile uses: make has
    # nothing to install and runs the target's own command from it.
    env_dir = tmp_path / "env"
    env_dir.mkdir()
    (env_dir / ".installed").touch()
    dry_run = subprocess.run(
        ["make", "-n", "lint", f"VENVDIR={env_dir}"], cwd=ROOT, capture_output=True, text=True,
        check=True,
    )
    assert dry_run.stdout.strip() == '"$VENVDIR/bin/python" -m tools.lint --builddir "$BUILDDIR/lint"'


def test_pre_commit_hook_fails_on_a_broken_notice(tmp_path):
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    (repo / ".venv").symlink_to(ROOT / ".venv")
    # The working files as they are now, committed or not.
    for path in ("tools", "policy_sphinx_extensions", "policy_core", "source", "conf.py",
                 ".pre-commit-config.yaml"):
        source = ROOT / path
        if source.is_dir():
            shutil.copytree(source, repo / path, dirs_exist_ok=True)
        else:
            shutil.copy2(source, repo / path)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "cache")}

    def pre_commit_policy_hook() -> subprocess.CompletedProcess:
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "policy", "--all-files"],
            cwd=repo, capture_output=True, text=True, env=env,
        )

    clean = pre_commit_policy_hook()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    notice = repo / "source" / "python.org" / "Privacy-Notice.md"
    text = notice.read_text(encoding="utf-8")
    notice.write_text(text.replace("- Biography", "- Biography the the"), encoding="utf-8")
    broken = pre_commit_policy_hook()
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Privacy-Notice.md:" in broken.stdout and ": doubled-word: " in broken.stdout


def test_the_previous_sites_defects_are_found(spelling_checked):
    """The notice as the previous site rendered it (tests/data) had words dropped,
    typos, a stray ']' and an address that was not a link: each is reported."""
    ctx, spelling = spelling_checked
    lines = (ctx.source / LIVE_NOTICE).read_text(encoding="utf-8").splitlines()
    findings = [f for f in lint.run_policy(ctx).findings + spelling
                if Path(f.path).name == LIVE_NOTICE]

    def reported(rule: str) -> list[str]:
        return [lines[f.line - 1] for f in findings if f.rule == rule]

    assert any("services supporting ." in line for line in reported("space-before-punctuation"))
    assert any("the PSF and , including" in line for line in reported("space-before-punctuation"))
    assert any(line.endswith("\\]") for line in reported("unbalanced-brackets"))
    assert any("(https://aws.amazon.com/privacy/)" in line for line in reported("bare-url"))
    misspelled = {f.message.split("'")[1] for f in findings if f.rule == "spelling"}
    assert {"ther", "asnd"} <= misspelled


# --- messages an editor can act on ----------------------------------------------


def run_lint(source: Path, builddir: Path, *checks: str, **environment: str):
    return subprocess.run(
        [sys.executable, "-m", "tools.lint", "--source", str(source), "--builddir", str(builddir),
         *(f"--check={name}" for name in checks)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **environment},
    )


def test_spelling_without_the_enchant_library_names_the_debian_package(tmp_path):
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE, "x.md": NOTICE})
    not_a_library = tmp_path / "libenchant-2.so.2"
    not_a_library.write_text("not a library\n", encoding="utf-8")
    for path in (tmp_path / "missing" / "libenchant-2.so.2", not_a_library):
        process = run_lint(source, tmp_path / "build", "spelling",
                           PYENCHANT_LIBRARY_PATH=str(path))
        assert process.returncode == 1
        (finding,) = process.stdout.splitlines()
        assert "needs the Enchant library" in finding
        assert "apt-get install libenchant-2-2 hunspell-en-us hunspell-en-gb" in finding
        assert "report this error" not in process.stdout + process.stderr
        assert process.stderr == "spelling: 2 pages, 1 finding\n"
    # With the library found, the same tree passes.
    assert lint.main(["--source", str(source), "--builddir", str(tmp_path / "build"),
                      "--check", "spelling"]) == 0


def test_a_link_to_a_missing_heading_says_what_to_write(tmp_path):
    findings = lint.run_markdown(context(tmp_path, {
        "bad.md": NOTICE + "## 1. What we collect\n\nSee [it](#1-what-we-colect).\n",
        "good.md": NOTICE + "## 1. What we collect\n\nSee [it](#1-what-we-collect).\n",
    })).findings
    (finding,) = findings
    assert (Path(finding.path).name, finding.line, finding.rule) == (
        "bad.md", NOTICE_LINES + 3, "md051")
    assert "Write the heading's id as its address shows it" in finding.message
    assert "(label)= line" in finding.message


def test_a_notice_at_two_addresses_is_reported_once_at_its_source(git_project, tmp_path, capsys):
    """The current version of a notice is published at its address and its dated
    one, both read from its file: each problem once, at that file's line, counted
    as printed; never at a built page or a file that does not exist."""
    notice = NOTICE.replace('Corrected "ther" to "their"', "First version")
    git_project.commit({"index.md": HOME_PAGE, "example/Notice.md": notice})
    source = git_project.root / "source"
    # An editorial entry: a change to the words with none fails the build.
    edited = notice.replace("changes:\n", (
        "changes:\n  - date: 2024-10-05\n    kind: editorial\n    summary: Added words.\n"))
    (source / "example/Notice.md").write_text(
        edited + "We share ther data.\n\nAn unclosed role {ref}`addresses here.\n",
        encoding="utf-8")
    assert lint.main(["--source", str(source), "--builddir", str(tmp_path / "build"),
                      "--check", "spelling", "--check", "html"]) == 1
    process = capsys.readouterr()
    rows = process.out.splitlines()
    notice_path = str(source / "example" / "Notice.md")
    lines = edited.count("\n")
    assert [row.split(": ")[0] for row in rows] == [
        f"{notice_path}:{lines + 1}", f"{notice_path}:{lines + 3}"], rows
    assert [row.split(": ")[1] for row in rows] == ["spelling", "leaked-markup"]
    assert process.err.splitlines() == [
        "spelling: 2 pages, 1 finding", "html: strict build, 5 pages built, 1 finding"]


def test_the_lint_reads_no_link_or_device_among_the_pages(tmp_path):
    # The strict build's source check names them; reading a pipe would never
    # end, a link to /dev/zero never either.
    (tmp_path / "page.md").write_text("# Page\n", encoding="utf-8")
    (tmp_path / "link.md").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.md")
    assert files_in([tmp_path], "*.md") == [tmp_path / "page.md"]
    assert display_path(tmp_path / "link.md") == str(tmp_path / "link.md")
