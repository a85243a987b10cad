"""Every lint check of the project, with one report: ``path:line: rule: message``.

    python -m tools.lint [--check NAME ...] [--source DIR] [--builddir DIR]

runs each check (all by default), prints every finding of every check, sorted,
on standard output, each problem once, then one line per check on standard
error saying what it read and how many of the findings printed are its own
("policy: 6 files, no findings"), and exits 1 if there is any finding. One
failing check never hides another. Nothing is rewritten (``make format`` does
that).

The checks are ``CHECKS`` below, a ``run_<name>`` function each; docs/lint.md
says which tool each runs and what it catches.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import NamedTuple

from pymarkdown.api import PyMarkdownApi, PyMarkdownApiException
from sphinxlint.checkers import all_checkers
from sphinxlint.sphinxlint import check_text

from policy_core.addresses import page_file
from tools.built_sources import page_sources
from tools.myst_notice import (
    ROOT,
    SOURCE,
    Finding,
    counted,
    display_path,
    encoding_finding,
    files_in,
    summary,
)
from tools.policy_lint import check_paths, data_files
from tools.spelling import missing_library

SPELLING_CONF = ROOT / "tools" / "spelling"
PYTHON_PATHS = ("conf.py", "policy_core", "policy_sphinx_extensions", "tools", "tests", "benchmarks")
WORKFLOWS = ROOT / ".github" / "workflows"
# The project's environment: ruff and zizmor are installed there, pinned.
BIN = Path(sys.executable).parent
# The same strict options as `make html`.
STRICT = ["-W", "--keep-going", "-n"]


class Context(NamedTuple):
    source: Path
    builddir: Path
    # The project whose packages the imports check reads.
    root: Path = ROOT


class Result(NamedTuple):
    """What one check read (``6 files``) and what it found there."""

    checked: str
    findings: list[Finding]


def run_policy(context: Context) -> Result:
    checked = len(files_in([context.source], "*.md")) + len(data_files(context.source))
    return Result(counted(checked), check_paths([context.source], context.source))


# What to change, for the Markdown rules whose own description does not say.
MARKDOWN_ADVICE = {
    "md051": ": the part after # names no heading of this page. Write the heading's id as"
    " its address shows it (\"## 1. What we collect\" is #1-what-we-collect), or add a"
    " (label)= line holding the id above the heading it should lead to",
}


def run_markdown(context: Context) -> Result:
    api = PyMarkdownApi().configuration_file_path(str(ROOT / "pyproject.toml"))
    pages = files_in([context.source], "*.md")
    findings = []
    for page in pages:
        # pymarkdown stops at a file that is not UTF-8 with a traceback, and
        # checks no other: it is given each page that is, one at a time.
        if not_utf8 := encoding_finding(page.read_bytes(), display_path(page)):
            findings.append(not_utf8)
            continue
        try:
            result = api.scan_path(str(page))
        except PyMarkdownApiException as error:
            config = display_path(ROOT / "pyproject.toml")
            return Result(counted(len(pages)), [Finding(config, 1, "markdown", str(error))])
        for failure in result.scan_failures:
            message = f"{failure.rule_description}{failure.extra_error_information or ''}"
            rule = failure.rule_id.lower()
            if advice := MARKDOWN_ADVICE.get(rule):
                message = message.rstrip(".") + advice
            findings.append(Finding(display_path(failure.scan_file), failure.line_number, rule,
                                    f"{message} ({failure.rule_name})"))
    return Result(counted(len(pages)), findings)


def sphinx_build(context: Context, builder: str, confdir: Path, outdir: Path, *options: str):
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", builder, "-c", str(confdir), *options,
         str(context.source), str(outdir)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )


# Where Sphinx's report of a stopped build ends its traceback: the line before is the cause.
CRASH_REPORT_END = "The full traceback has been saved in:"


def _build_failure(context: Context, what: str, process) -> list[Finding]:
    """Why a build stopped, without Sphinx's report around it: the cause of a
    crash, or the errors it logged at a file and line (a build refused for its
    sources), as the strict build's findings are, or else its last words."""
    lines = [line.strip() for line in process.stderr.splitlines() if line.strip()]
    if CRASH_REPORT_END in lines and lines.index(CRASH_REPORT_END) > 0:
        cause = lines[lines.index(CRASH_REPORT_END) - 1]
    elif located := sphinx_findings(lines, context.source, located_only=True):
        return located
    else:
        cause = " | ".join(lines[-3:])
    return [Finding(display_path(context.source), 0, "build", f"{what} failed: {cause}")]


# `source/x.md:12: (ther) ["the", "their"] context`, as the builder writes it
SPELLING_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+|None): \((?P<word>[^)]*)\) (?P<rest>.*)$")


def run_spelling(context: Context) -> Result:
    checked = counted(len(files_in([context.source], "*.md")), "pages")
    if problem := missing_library():
        return Result(checked, [Finding(display_path(context.source), 0, "spelling", problem)])
    outdir = context.builddir / "spelling"
    # The builder only writes reports for documents with findings: an old
    # report must not outlive its fix.
    for report in outdir.rglob("*.spelling"):
        report.unlink()
    process = sphinx_build(context, "spelling", SPELLING_CONF, outdir, "-q")
    findings = []
    # Exit status 1 is a document error, which the strict build reports; the
    # spelling reports are written all the same. Anything else is a crash.
    if process.returncode not in (0, 1):
        findings += _build_failure(context, "the spelling build", process)
    for report in sorted(outdir.rglob("*.spelling")):
        for match in map(SPELLING_LINE.match, report.read_text(encoding="utf-8").splitlines()):
            path = (ROOT / match.group("path")).resolve() if match else None
            # An earlier version's text is the git history of a notice,
            # checked when it was the notice's text; it cannot be edited.
            if path is None or context.source not in path.parents:
                continue
            word, line = match.group("word"), match.group("line")
            message = f"'{word}' is not in the dictionary or the word list"
            suggestions = match.group("rest").partition("] ")[0]
            if suggestions.startswith("["):
                message += f" (did you mean {suggestions.strip('[]')}?)"
            line_number = word_line(path, int(line) if line.isdigit() else 0, word)
            findings.append(Finding(display_path(path), line_number, "spelling", message))
    return Result(checked, findings)


def word_line(path: Path, line: int, word: str) -> int:
    """The line of *word* in the source, from the builder's *line* for it.

    The builder counts lines within one text node, so a word after a link or
    inline markup gets its paragraph's first line, and text the site adds
    from front matter (the change history) gets the line of the title. The
    source says where the word is: in the paragraph from *line* on, or else
    at its first use in the file.
    """
    if not path.is_file():
        return line
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")
    lines = path.read_text(encoding="utf-8").splitlines()
    for number in range(max(line, 1), len(lines) + 1):
        if pattern.search(lines[number - 1]):
            return number
        if not lines[number - 1].strip():
            break
    return next((number for number, text in enumerate(lines, 1) if pattern.search(text)), line)


# `path:line: WARNING: message [type.subtype]` (line may be missing)
SPHINX_WARNING = re.compile(
    r"^(?:(?P<path>.+?):(?P<line>\d+)?:? )?(?:WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*)$"
)


def sphinx_findings(lines: list[str], source: Path, located_only: bool = False) -> list[Finding]:
    """The warnings and errors Sphinx wrote in *lines*, each at its file and line
    (*source* when it names none); with *located_only*, those naming a line alone."""
    return [
        Finding(display_path(match.group("path") or source), int(match.group("line") or 0),
                "sphinx", match.group("message"))
        for match in map(SPHINX_WARNING.match, lines)
        if match and (match.group("line") or not located_only)
    ]


def run_html(context: Context) -> Result:
    outdir = context.builddir / "html"
    warnings = context.builddir / "html-warnings.txt"
    # From scratch: an incremental build repeats no warning of a document it
    # does not read again, and old pages would be scanned for leaked markup.
    shutil.rmtree(outdir, ignore_errors=True)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    process = sphinx_build(context, "dirhtml", ROOT, outdir, *STRICT, "-q", "-w", str(warnings))
    lines = warnings.read_text(encoding="utf-8").splitlines() if warnings.exists() else []
    findings = sphinx_findings(lines, context.source)
    if process.returncode != 0 and not findings:
        findings += _build_failure(context, "the strict build", process)
    pages = counted(len(list(outdir.rglob("*.html"))), "pages")
    return Result(f"strict build, {pages} built", findings + leaked_markup(outdir, context.source))


def leaked_markup(outdir: Path, source: Path) -> list[Finding]:
    """sphinx-lint's leaked-markup check over the built pages, each finding at
    the line of the source under *source* that the page was read from.

    A page that is no document read from *source* is not checked: the search
    and index pages hold no text of their own, a redline shows text its
    version's page shows too, and an earlier version's text is the git
    history of a notice, checked when it was the notice's text.
    """
    findings = []
    for path, origin in page_sources(outdir).items():
        if source not in origin.parents:
            continue
        page = outdir / page_file(path)
        source_lines = origin.read_text(encoding="utf-8").splitlines()
        page_lines = page.read_text(encoding="utf-8").splitlines()
        for error in check_text(str(page), "\n".join(page_lines), [all_checkers["leaked-markup"]]):
            shown = LEAKED_TEXT.search(html.unescape(TAG.sub("", page_lines[error.line_no - 1])))
            if shown:
                words = shown.group().strip()
                findings.append(Finding(
                    display_path(origin), source_line(source_lines, words), "leaked-markup",
                    f"markup shows on the page as text: \u201c{words}\u201d. A role or `code`"
                    " opened here is not closed, or a ` : or .. is read as markup: close it,"
                    " or write the character as \\` to show it",
                ))
    return findings


# A tag, and what sphinx-lint's leaked-markup pattern matches with the words around it.
TAG = re.compile(r"<[^>]*>")
LEAKED_TEXT = re.compile(r"\S*(?:[a-z]::\s|`|\.\.\s*\w+:)\S*")


def source_line(lines: list[str], words: str) -> int:
    """The first line of the source holding *words* (0 when none holds them)."""
    candidates = (words, *sorted(words.split("`"), key=len, reverse=True))
    return next((number for candidate in candidates if candidate.strip()
                 for number, text in enumerate(lines, 1) if candidate.strip() in text), 0)


def run_tool(name: str, arguments: list[str], about: Path, rule: str = "",
             cwd: Path = ROOT) -> subprocess.CompletedProcess | Finding:
    """The finished run of the pinned tool *name*, or a finding at *about*
    (under *rule*, the tool's name by default) when it is not installed."""
    try:
        return subprocess.run(
            [str(BIN / name), *arguments], capture_output=True, text=True, check=False, cwd=cwd
        )
    except FileNotFoundError:
        return Finding(display_path(about), 0, rule or name,
                       f"{name} is not installed: `make venv` installs requirements.txt")


def run_json_tool(name: str, arguments: list[str], about: Path) -> list | Finding:
    """The JSON report of the pinned tool *name*, or a finding at *about*
    saying why there is none (not installed, or it failed)."""
    process = run_tool(name, arguments, about)
    if isinstance(process, Finding):
        return process
    try:
        return json.loads(process.stdout)
    except json.JSONDecodeError:
        tail = " | ".join(process.stderr.strip().splitlines()[-3:])
        return Finding(display_path(about), 0, name, f"{name} failed: {tail}")


def check_python(paths: Iterable[Path]) -> list[Finding]:
    """Ruff's findings in *paths*, with the rules pyproject.toml selects."""
    reported = run_json_tool(
        "ruff", ["check", "--config", str(ROOT / "pyproject.toml"), "--no-cache",
                 "--output-format", "json", "--", *map(str, paths)],
        ROOT / "pyproject.toml",
    )
    if isinstance(reported, Finding):
        return [reported]
    return [
        Finding(display_path(item["filename"]), item["location"]["row"],
                item.get("name") or item["code"], f"{item['message']} (ruff {item['code']})")
        for item in reported
    ]


def run_python(context: Context) -> Result:
    paths = [ROOT / path for path in PYTHON_PATHS]
    return Result(counted(len(files_in(paths, "*.py"))), check_python(paths))


# A broken layers contract names each import that runs upward, as
# `- policy_core.front_matter -> policy_sphinx_extensions.build.refusals (l.19)`
# (an indirect one as a chain, one import a line, the first naming the importer).
UPWARD_IMPORT = re.compile(r"^-?\s*(?P<importer>[\w.]+) -> (?P<imported>[\w.]+) \(l\.(?P<line>\d+)")
# Who may import whom: pyproject.toml's [tool.importlinter] contract.
LAYERS_RULE = "import-layers"
# Top to bottom, as pyproject.toml's contract lists them.
LAYERS = ("tools", "policy_sphinx_extensions", "policy_core")


def module_path(root: Path, module: str) -> Path:
    """The file of *module* under *root* (a package's __init__.py)."""
    base = root.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def run_imports(context: Context) -> Result:
    """import-linter's layers contract (pyproject.toml) over the packages under the
    context's root: tools over the extensions over policy_core, no import upward."""
    root, config = context.root, context.root / "pyproject.toml"
    checked = counted(len(files_in([root / layer for layer in LAYERS], "*.py")), "modules")
    process = run_tool("lint-imports", ["--no-cache", str(config)], config, LAYERS_RULE, root)
    if isinstance(process, Finding):
        return Result(checked, [process])
    findings = [
        Finding(
            display_path(module_path(root, match.group("importer"))),
            int(match.group("line")),
            LAYERS_RULE,
            f"{match.group('importer')} imports {match.group('imported')}, a layer above it:"
            " tools may import policy_sphinx_extensions and policy_core, the extensions"
            " policy_core, and policy_core neither (docs/architecture.md)",
        )
        for line in process.stdout.splitlines()
        if (match := UPWARD_IMPORT.match(line.strip()))
    ]
    if process.returncode != 0 and not findings:
        tail = " | ".join((process.stderr or process.stdout).strip().splitlines()[-3:])
        findings.append(Finding(display_path(config), 0, LAYERS_RULE, f"lint-imports failed: {tail}"))
    return Result(checked, findings)


def check_workflows(workflows: list[Path]) -> list[Finding]:
    """zizmor's findings in the *workflows* files, offline.

    Offline, zizmor skips only the audits that ask GitHub about an action
    (known vulnerable versions, impostor commits); every other audit runs.
    The pedantic persona reports what the regular one keeps quiet about, such
    as a write permission a pull-request build does not need.
    """
    if not workflows:
        return []
    reported = run_json_tool(
        "zizmor", ["--offline", "--persona=pedantic", "--format", "json", "--no-progress",
                   *map(str, workflows)],
        workflows[0],
    )
    if isinstance(reported, Finding):
        return [reported]
    return [
        Finding(display_path(ROOT / location["symbolic"]["key"]["Local"]["verbatim_path"]),
                location["concrete"]["location"]["start_point"]["row"] + 1, item["ident"],
                f"{item['desc']}: {location['symbolic'].get('annotation') or ''} ({item['url']})")
        for item in reported
        if not item.get("ignored")
        for location in item["locations"]
        if location["symbolic"]["kind"] == "Primary"
    ]


def run_workflows(context: Context) -> Result:
    workflows = sorted(WORKFLOWS.glob("*.yml")) + sorted(WORKFLOWS.glob("*.yaml"))
    return Result(counted(len(workflows), "workflows"), check_workflows(workflows))


CHECKS: dict[str, Callable[[Context], Result]] = {
    "policy": run_policy,
    "markdown": run_markdown,
    "spelling": run_spelling,
    "html": run_html,
    "python": run_python,
    "imports": run_imports,
    "workflows": run_workflows,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.lint",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="append", choices=list(CHECKS),
                        help="run only this check (repeatable; default: all)")
    parser.add_argument("--source", type=Path, default=SOURCE, help="the MyST source folder")
    parser.add_argument("--builddir", type=Path, default=ROOT / "_build" / "lint",
                        help="where the spelling and strict builds go")
    args = parser.parse_args(argv)
    context = Context(args.source.resolve(), args.builddir.resolve(), root=ROOT)
    results = {name: CHECKS[name](context) for name in args.check or CHECKS}
    findings = unique(finding for result in results.values() for finding in result.findings)
    for finding in findings:
        print(finding)
    sys.stdout.flush()
    # Each check counts the findings printed for it: one problem reported
    # twice (by two checks, or twice by one) is printed, and counted, once.
    printed = {id(finding) for finding in findings}
    for name, result in results.items():
        count = sum(id(finding) in printed for finding in result.findings)
        print(summary(name, result.checked, count), file=sys.stderr)
    return 1 if findings else 0


def unique(findings: Iterable[Finding]) -> list[Finding]:
    """Sorted findings, each problem once: the policy check reads the same
    front matter as the build, so both may report one mistake in one message."""
    kept: dict[tuple[str, int, str], Finding] = {}
    for finding in sorted(findings):
        key = (finding.path, finding.line, re.sub(r" \[[\w.-]+\]$", "", finding.message))
        kept.setdefault(key, finding)
    return list(kept.values())


if __name__ == "__main__":
    sys.exit(main())
