"""tools/policy_lint.py: every rule reports a bad input at its line, passes a good one."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import ROOT

from policy_core import yamldata
from tools.policy_lint import RULES, check_data_file, check_file

FRONT = """\
---
date: 2024-10-04
changes:
  - date: 2024-10-04
    kind: material
    summary: Version in effect from October 4, 2024.
---

# Example Notice

"""

FRONT_LINES = FRONT.count("\n")


def lint(tmp_path: Path, body: str, *, front: str = FRONT, name: str = "example/Notice.md"):
    """Findings for a notice made of *front* and *body* (dedented)."""
    path = tmp_path / "source" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    data = front + textwrap.dedent(body)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return check_file(path, tmp_path / "source", pages={"index"})


def found(findings, rule_id: str) -> list[int]:
    return [finding.line for finding in findings if finding.rule == rule_id]


# (rule, body, lines of the body where the rule must report)
BAD = [
    ("angle-domain", "Collected from <python.org> users.\n", [1]),
    ("angle-domain", "Text\nsee <docs.python.org/3/> there.\n", [2]),
    ("raw-html", "<script>alert(1)</script>\n", [1]),
    ("raw-html", "Text\n\n<table><tr><td>x</td></tr></table>\n", [3]),
    ("raw-html", 'Click <b onclick="steal()">here</b>.\n', [1]),
    ("link-scheme", "See [the terms](http://example.com/terms).\n", [1]),
    ("link-scheme", "See\n[FTP](ftp://example.com/).\n", [2]),
    # Another host without a scheme: refused by the build's one link rule too.
    ("link-scheme", "See [the terms](//example.com/terms).\n", [1]),
    ("bare-url", "Their AWS Privacy Notice https://aws.amazon.com/privacy/ applies.\n", [1]),
    ("bare-url", "- item\n- see www.example.com for more\n", [2]),
    ("space-before-punctuation", "Collected from users , when and why .\n", [1, 1]),
    ("space-before-punctuation", "This notice\n; applies.\n", [2]),
    ("empty-link-text", "Subject to the [](https://aws.amazon.com/privacy/).\n", [1]),
    ("doubled-word", "This is the the notice.\n", [1]),
    ("doubled-word", "We use the\nThe data.\n", [2]),
    ("unbalanced-brackets", "Subject to the Privacy Notice].\n", [1]),
    ("unbalanced-brackets", "Our service (hosted by AWS\nand others.\n", [1]),
    ("unbalanced-brackets", 'The so-called "services.\n', [1]),
    ("unbalanced-brackets", "The “PSF collects.\n", [1]),
    ("section-numbering", "## 1. A\n\n## 3. C\n", [3]),
    ("section-numbering", "## 1. A\n\n## 2. B\n\n## 2. B again\n", [5]),
    ("section-numbering", "## 2. B first\n", [1]),
    ("title", "## 1. A\n\n# A second title\n", [3]),
    ("invisible-character", "A zero\u200bwidth space.\n", [1]),
    ("invisible-character", "Text\n\n- pay \u202eeulav\u202c now\n", [3, 3]),
    ("invisible-character", "A word\u2060joiner and a\ufeffmark.\n", [1, 1]),
    ("invisible-character", "```text\ncode\u200d\n```\n", [2]),
    ("confusable-host", "See [the site](https://pyth\u03bfn.org/).\n", [1]),
    ("confusable-host", "Text\nsee <https://\u0440\u0430\u0443\u0440\u0430l.com/> there.\n", [2]),
    ("confusable-host", "Go to https://xn--pythn-uce.org/ now.\n", [1]),
    ("straight-quote", "The processor's terms.\n", [1]),
    ("straight-quote", 'The so-called "services" and\nthe "data".\n', [1, 2]),
    ("straight-quote", "- users' data\n", [1]),
]


@pytest.mark.parametrize(
    ("rule_id", "body", "lines"), BAD, ids=[f"{case[0]}-{i}" for i, case in enumerate(BAD)]
)
def test_bad_input_is_reported_at_its_line(tmp_path, rule_id, body, lines):
    findings = lint(tmp_path, body)
    assert found(findings, rule_id) == [FRONT_LINES + line for line in lines], findings
    for finding in findings:
        assert str(finding).startswith(f"{finding.path}:{finding.line}: {finding.rule}: ")
        assert finding.path.endswith("example/Notice.md")


GOOD = """\
This notice (the “Notice”) applies to python.org, PyPI and PyCon US users.
See the [PSF Privacy Notice](https://policies.python.org/PSF-Privacy-Notice/),
<https://www.python.org/>, [write to us](mailto:psf@python.org), [](#use),
the [next page](../Other.md) and {ref}`the processors <processors>`.
Values: 1.5, 2.0; a U.S. company. It said “yes” and “no”, that is, the PSF’s one.
Code such as `foo ] (bar "` or {abbr}`PSF (Python Software Foundation` is syntax.
Angle brackets in code: `<python.org>`; plain comparisons: 1 < 2 and 3 > 2.
Quotes in code and targets: `it's "x"`, {ref}`"label" <use>`, [a](https://example.com/?q="a").
Hosts in other scripts: [Bücher](https://bücher.de/), [例え](https://例え.テスト/).

(use)=
## 1. Information we collect

```{note}
:class: tip
A note with [a link](https://example.com/) (and brackets).
```

```{processors}
:data: processors
- name: AWS
  url: https://aws.amazon.com/privacy/ [raw data (not text
```

```text
https://example.com/ in a code block ] <b>
```

### 1. Sub-section

### 2. Sub-section

## 2. How we use it

### 1. Numbering restarts under a new parent

## 3. Upcoming changes
"""


def test_good_notice_passes_every_rule(tmp_path):
    assert lint(tmp_path, GOOD) == []


def test_straight_quotes_in_front_matter_text(tmp_path):
    front = FRONT.replace(
        "summary: Version in effect from October 4, 2024.",
        'summary: >-\n      Corrected "ther"\n      and the PSF\'s name.',
    ).replace("---\ndate:", '---\ndescription: "What the notice\'s about."\ndate:', 1)
    # The quotes around the description are YAML's; the apostrophe is text.
    findings = [f.line for f in lint(tmp_path, "", front=front) if f.rule == "straight-quote"]
    assert findings == [2, 8, 9]
    good = front.replace('"ther"', "“ther”").replace("PSF's", "PSF’s")
    good = good.replace("notice's", "notice’s")
    assert lint(tmp_path, "", front=good) == []


def test_markdown_directive_bodies_are_checked(tmp_path):
    body = "```{note}\n:class: tip\nSee https://example.com/ here.\n```\n"
    assert found(lint(tmp_path, body), "bare-url") == [FRONT_LINES + 3]
    # An options block ends where MyST ends it, at a line starting with ---:
    # an indented --- inside it leaves the option's text out of the body.
    options = "```{note}\n---\nclass: |\n  ---\n  https://example.com/ x\n---\n"
    assert found(lint(tmp_path, options + "Body.\n```\n"), "bare-url") == []
    assert found(lint(tmp_path, options + "See https://example.com/ here.\n```\n"),
                 "bare-url") == [FRONT_LINES + 7]


def test_line_endings(tmp_path):
    findings = lint(tmp_path, "", front=FRONT.replace("\n", "\r\n"))
    assert found(findings, "line-ending") == [1]
    assert f"{FRONT_LINES} line(s)" in findings[0].message
    assert found(lint(tmp_path, ""), "line-ending") == []


def test_not_utf8(tmp_path):
    path = tmp_path / "source" / "example" / "Notice.md"
    path.parent.mkdir(parents=True)
    path.write_bytes(FRONT.encode() + "caf\u00e9\n".encode("latin-1"))
    (finding,) = check_file(path, tmp_path / "source", pages=set())
    assert (finding.line, finding.rule, finding.message) == (
        FRONT_LINES + 1, "encoding", yamldata.NOT_UTF8)
    data = tmp_path / "source" / "_data" / "navigation.yaml"
    data.parent.mkdir()
    data.write_bytes("live_site: x\n# caf\u00e9\n".encode("latin-1"))
    assert [(f.line, f.rule) for f in check_data_file(data)] == [(2, "encoding")]
    data.write_text("live_site: x\n# caf\u00e9\n", encoding="utf-8")
    assert check_data_file(data) == []


def test_title_must_come_first(tmp_path):
    front = FRONT.replace("# Example Notice\n", "Intro text.\n\n## 1. A\n")
    assert found(lint(tmp_path, "", front=front), "title") == [FRONT_LINES + 1]


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("---\nchanges: []\n---\n\n# T\n", 2, "no 'date'"),
        ("---\ndate: October 4, 2024\nchanges: []\n---\n\n# T\n", 2, "ISO date"),
        ("# T\n", 1, "no 'date'"),
        ("---\ndate: [unclosed\n---\n\n# T\n", 2, "invalid YAML"),
        (
            "---\ndate: 2024-01-01\nchanges:\n  - date: 2999-01-01\n    kind: editorial\n"
            "    summary: A fix dated ahead.\n  - date: 2024-01-01\n    kind: material\n"
            "    summary: First.\n---\n\n# T\n",
            4,
            "editorial change dated 2999-01-01, in the future",
        ),
        (
            "---\nupcoming: true\ndate: 2999-01-01\nchanges:\n  - date: 2999-01-01\n"
            "    kind: material\n    summary: Takes effect in 2999.\n---\n\n# T\n",
            2,
            "'upcoming' is no longer used",
        ),
    ],
)
def test_front_matter_bad(tmp_path, front, line, message):
    findings = [f for f in lint(tmp_path, "", front=front) if f.rule == "front-matter"]
    assert findings and findings[0].line == line and message in findings[0].message, findings


def test_front_matter_material_change_dated_ahead_passes(tmp_path):
    front = (
        "---\ndate: 2999-01-01\nchanges:\n  - date: 2999-01-01\n"
        "    kind: material\n    summary: Takes effect in 2999.\n---\n\n# T\n"
    )
    assert lint(tmp_path, "", front=front) == []


def test_site_pages_need_no_front_matter_or_title(tmp_path):
    assert lint(tmp_path, "Welcome.\n", front="", name="index.md") == []
    assert found(lint(tmp_path, "Welcome.\n", front="", name="other.md"), "front-matter") == [1]


def test_every_rule_has_a_failing_case():
    tested = {case[0] for case in BAD} | {"line-ending", "front-matter"}
    assert tested == set(RULES)


def test_command_line(tmp_path):
    source = tmp_path / "source"
    (source / "example").mkdir(parents=True)
    notice = source / "example" / "Notice.md"
    notice.write_text(FRONT + "Fine text.\n", encoding="utf-8")
    (source / "index.md").write_text("# Home\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "tools.policy_lint", "--source", str(source), *args],
            cwd=ROOT, capture_output=True, text=True,
        )

    clean = run()
    assert (clean.returncode, clean.stdout) == (0, "")
    assert clean.stderr == "policy: 2 files, no findings\n"
    notice.write_text(FRONT + "The the text.\n", encoding="utf-8")
    before = notice.read_bytes()
    broken = run(str(notice))
    assert broken.returncode == 1
    assert broken.stdout == f"{notice}:{FRONT_LINES + 1}: doubled-word: 'The' is written twice\n"
    assert broken.stderr == "policy: 1 file, 1 finding\n"
    assert notice.read_bytes() == before
    assert run("--list").stdout.split() == list(RULES)


def test_front_matter_is_parsed_once(tmp_path, monkeypatch):
    """The rules read the front matter through the build's own reader
    (yamldata.front_matter, shared with dates.py): one YAML parse per file."""
    calls = []
    load = yamldata.load
    monkeypatch.setattr(
        yamldata, "load", lambda *args, **kw: calls.append(args) or load(*args, **kw)
    )
    yamldata._front_matter.cache_clear()
    assert lint(tmp_path, "Text.\n") == []
    assert len(calls) == 1


def test_data_files_get_the_character_rules(tmp_path):
    """Names and URLs in source/_data/ reach the pages as written."""
    from tools.policy_lint import check_paths

    source = tmp_path / "source"
    data = source / "_data" / "processors.yaml"
    data.parent.mkdir(parents=True)
    good = "processors:\n  - id: psf\n    name: PSF\n    url: https://www.python.org/psf/\n"
    data.write_text(good, encoding="utf-8")
    assert check_paths([source], source) == []
    data.write_text(
        good.replace("name: PSF", "name: P\u200bSF").replace("www.python", "www.pyth\u03bfn"),
        encoding="utf-8",
    )
    findings = check_paths([source], source)
    assert [(f.rule, f.line) for f in findings] == [
        ("invisible-character", 3), ("confusable-host", 4)
    ]
    assert all(f.path.endswith("_data/processors.yaml") for f in findings)


def test_quote_fix_leaves_a_file_that_is_not_utf8(tmp_path, capsys):
    from tools import typography

    path = tmp_path / "Notice.md"
    data = FRONT.encode() + "The caf\u00e9's menu.\n".encode("latin-1")
    path.write_bytes(data)
    assert typography.main([str(path)]) == 1
    assert path.read_bytes() == data
    assert f"Notice.md:{FRONT_LINES + 1}: encoding:" in capsys.readouterr().err
    path.write_text(FRONT + "The PSF's menu.\n", encoding="utf-8")
    assert typography.main([str(path)]) == 0
    assert path.read_text(encoding="utf-8").endswith("The PSF’s menu.\n")


def accepting(tmp_path: Path, entries: str, body: str = "Fine text.]\n") -> list:
    """Findings over a project whose one notice has *body* and whose accepted findings are *entries*."""
    from tools.policy_lint import check_paths

    source = tmp_path / "source"
    lint(tmp_path, body)
    (tmp_path / "tools").mkdir(exist_ok=True)
    (tmp_path / "tools" / "accepted-findings.yaml").write_text(textwrap.dedent(entries), encoding="utf-8")
    return [(finding.line, finding.rule, finding.message) for finding in check_paths([source], source)]


ACCEPT_BRACKET = """\
- page: example/Notice.md
  rule: unbalanced-brackets
  line: Fine text.]
  why: The page says it so.
"""


def test_an_accepted_finding_is_not_reported_and_only_that_one(tmp_path):
    assert accepting(tmp_path, ACCEPT_BRACKET) == []
    # The same rule on another line, and another rule on that line, are still findings.
    assert [rule for _, rule, _ in accepting(tmp_path, ACCEPT_BRACKET, "Fine text.]\n\nThe the end.]\n")] \
        == ["doubled-word", "unbalanced-brackets"]


def test_an_entry_whose_line_is_gone_is_a_finding_at_its_line(tmp_path):
    entries = "# Kept on purpose.\n" + ACCEPT_BRACKET
    assert accepting(tmp_path, entries, "Fine text.\n") == [(2, "accepted-finding", (
        "example/Notice.md has no 'unbalanced-brackets' finding on that line any more"
        " (corrected, or the line changed): delete the entry"))]


def test_an_entry_of_no_page_is_a_finding_when_every_page_is_checked(tmp_path):
    entries = ACCEPT_BRACKET + ACCEPT_BRACKET.replace("example/Notice.md", "../../etc/passwd")
    assert accepting(tmp_path, entries) == [(5, "accepted-finding", (
        "../../etc/passwd is no page under source/ (moved or deleted): delete the entry"))]
    # Checked alone, a page says nothing of the others' entries.
    from tools.policy_lint import check_paths

    notice = tmp_path / "source" / "example" / "Notice.md"
    assert check_paths([notice], tmp_path / "source") == []


@pytest.mark.parametrize(("entries", "message"), [
    (ACCEPT_BRACKET.replace("unbalanced-brackets", "raw-html"),
     "'raw-html' findings cannot be accepted: only those of doubled-word, space-before-punctuation,"
     " unbalanced-brackets; fix the page"),
    (ACCEPT_BRACKET.replace("  why: The page says it so.\n", ""),
     "an entry has exactly page, rule, line and why, each some text: why missing"),
    ("page: example/Notice.md\n", "the file is a list of entries"),
])
def test_a_malformed_or_refused_entry_is_a_finding_and_accepts_nothing(tmp_path, entries, message):
    assert accepting(tmp_path, entries) == [
        (FRONT_LINES + 1, "unbalanced-brackets", "']' closes nothing in this paragraph"),
        (1, "accepted-finding", message)]
