"""Hostile sources: the build fails naming file:line, and nothing of the payload is published.

Two tiny projects are built once for the module: HOSTILE holds one hostile
notice per case, GOOD the good input beside each. A page of the hostile
project that includes a file outside the source directory, fetches a URL,
writes HTML or links to ``javascript:`` must fail the build at its line, and
the payload (the outside file's contents, the script, the URL) must be in no
file of its output; the good project builds and shows its content.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import types
import unicodedata
from pathlib import Path

import pytest
import yaml
from lxml import etree as lxml_etree
from myst_parser.config.main import read_topmatter
from pytest_httpserver import HTTPServer
from werkzeug import Response
from conftest import (
    HOME_PAGE,
    NOTICE_FRONT_MATTER,
    GitProject,
    copy_project,
    ROOT,
    STRICT,
    navigation,
    notice,
    sphinx_build,
    write_project,
)

from policy_sphinx_extensions.checks.page_structure import has_visible_text, invisible_characters
from policy_sphinx_extensions.build.refusals import BuildRefused
from policy_sphinx_extensions.checks import published_pages, remote_resources
from policy_sphinx_extensions.checks.published_pages import page_problems
from policy_core import yamldata
from policy_core.links import link_problem, url_scheme

SECRET = "SECRET-OF-THE-BUILD-MACHINE-7f3a"

# The hostile and good projects, and the builds that stop or are stopped
# midway, build the whole site: nothing of a payload may reach any file any
# extension writes. A test of one check builds with that check, and the
# navigation every page needs.
NAVIGATION = "policy_sphinx_extensions.navigation"
SOURCES = ["policy_sphinx_extensions.checks.sources", NAVIGATION]
PAGES_AS_WRITTEN = ["policy_sphinx_extensions.checks.published_pages", NAVIGATION]
SERVER = "http://127.0.0.1:{port}"

# A notice's front matter, still open; MyST's settings turning substitutions
# on; and a substitution that runs a command through Jinja, which would write
# where the test looks (JINJA_MARKER) and print JINJA_RAN, which the page's
# text does not hold.
FRONT_MATTER_OPEN = NOTICE_FRONT_MATTER[: -len("---\n")]
MYST_SUBSTITUTION = "myst:\n  enable_extensions: [substitution]\n"
JINJA_MARKER = Path(os.environ.get("TMPDIR", "/tmp"), f"policies-jinja-{os.getpid()}")
JINJA_RAN = "payload-jinja-42"
JINJA_PAYLOAD = ("---\n\n# A Notice\n\n{{ cycler.__init__.__globals__.os.system("
                 f"'echo payload-jinja-$((40+2)) > {JINJA_MARKER}; echo payload-jinja-$((40+2))') }}}}\n")

# id: (notice body, what the message says, strings that must be in no built file).
# "{server}" is a server on 127.0.0.1 that must receive no request.
HOSTILE = {
    # 1. Sources are text.
    "include": ("```{include} ../../secret.txt\n```\n", 'Directive "include" disabled', [SECRET]),
    "rst-include": ("```{eval-rst}\n.. include:: ../../secret.txt\n```\n",
                    '"include" directive disabled', [SECRET]),
    "literalinclude": ("```{literalinclude} ../../secret.txt\n```\n", "File insertion disabled",
                       [SECRET]),
    "raw-file": ("```{eval-rst}\n.. raw:: html\n   :file: ../../secret.txt\n```\n",
                 '"raw" directive disabled', [SECRET]),
    "raw-url": ("```{eval-rst}\n.. raw:: html\n   :url: {server}/payload-raw-url\n```\n",
                '"raw" directive disabled', ["payload-raw-url"]),
    "csv-file": ("```{eval-rst}\n.. csv-table:: Table\n   :file: ../../secret.txt\n```\n",
                 "File and URL access deactivated", [SECRET]),
    "csv-url": ("```{eval-rst}\n.. csv-table:: Table\n   :url: {server}/payload-csv-url\n```\n",
                "File and URL access deactivated", ["payload-csv-url"]),
    "raw-directive": ("```{eval-rst}\n.. raw:: html\n\n   <script>alert('payload-raw-directive')</script>\n```\n",
                      '"raw" directive disabled', ["payload-raw-directive"]),
    "html-block": ("<div onclick=\"alert('payload-html-block')\">Text</div>\n",
                   "raw HTML is not allowed", ["payload-html-block"]),
    "html-inline": ("Text <img src=x onerror=\"alert('payload-html-inline')\"> here.\n",
                    "raw HTML is not allowed", ["payload-html-inline"]),
    "html-comment": ("<!-- payload-html-comment -->\n", "raw HTML is not allowed", ["payload-html-comment"]),
    "image-outside": ("![A picture](../../secret.png)\n", "outside the source directory",
                      [SECRET]),
    "image-remote": ("![A picture]({server}/payload-image-remote.png)\n",
                     "is not a file of the source directory", ["payload-image-remote"]),
    "image-data": ("![A picture](data:image/png;base64,aW1hZ2UtZGF0YQ==)\n",
                   "is not a file of the source directory", ["aW1hZ2UtZGF0YQ"]),
    "image-svg": ("![A picture](evil.svg)\n", "may not be published: only", ["payload-svg"]),
    "download-html": ("```{eval-rst}\n:download:`the page <evil.html>`\n```\n",
                      "may not be published: only", ["payload-download-html"]),
    "download-outside": ("```{eval-rst}\n:download:`the file <../../secret.txt>`\n```\n",
                         "outside the source directory", [SECRET]),
    "meta": ("```{eval-rst}\n.. meta::\n   :http-equiv=refresh: 0; url=https://example.invalid/meta\n```\n",
             "<meta> tags are not allowed", ["example.invalid/meta"]),
    # A whole notice: MyST's settings for the page in its front matter.
    "front-matter-myst": (NOTICE_FRONT_MATTER[: -len("---\n")] + (
        'myst:\n  html_meta:\n    "http-equiv=refresh": "0; url=https://example.invalid/'
        'payload-front-matter"\n---\n\n# A Notice\n\nText.\n'),
        "front matter may not hold 'myst'", ["payload-front-matter"]),
    # MyST's substitutions for the page: Jinja, which would run the command.
    "front-matter-myst-jinja": (FRONT_MATTER_OPEN + MYST_SUBSTITUTION + JINJA_PAYLOAD,
                                "front matter may not hold 'myst'", [JINJA_RAN]),
    # A line indented as code does not end the front matter for MyST.
    "front-matter-indented-end": (FRONT_MATTER_OPEN + "description: |\n    ---\n" + MYST_SUBSTITUTION
                                  + JINJA_PAYLOAD, "front matter may not hold 'myst'",
                                  [JINJA_RAN]),
    # MyST's older top-level key for the page's substitutions.
    "front-matter-substitutions": (FRONT_MATTER_OPEN + "substitutions:\n  x: payload-sub\n"
                                   "---\n\n# A Notice\n\n{{x}}\n",
                                   "front matter may not hold 'substitutions'",
                                   [JINJA_RAN]),
    # A line of spaces and '---' ends the front matter for MyST's renderer, not
    # for its settings reader, which reads on to the 'myst' key.
    "front-matter-two-readings": (FRONT_MATTER_OPEN + "description: |\n  ---\n" + MYST_SUBSTITUTION
                                  + JINJA_PAYLOAD, "'myst' may not follow a line starting",
                                  [JINJA_RAN]),
    "math": ("```{math}\nx^2\n```\n", "math is not allowed", ["tex-mml-chtml"]),
    # 2. Link schemes.
    "md-http": ("See [the page](http://example.invalid/payload-md-http).\n", "a link to http:",
                ["payload-md-http"]),
    # The address stays as the link's text, and is no link.
    "md-autolink-http": ("See <http://example.invalid/payload-md-autolink>.\n", "a link to http:",
                         ['href="http://example.invalid']),
    "md-javascript": ("See [the page](javascript:alert('payload-md-js')).\n",
                      "Markdown makes no link to javascript:", ['href="javascript:alert']),
    "md-data": ("See [the page](data:text/html;base64,bWQtZGF0YQ==).\n",
                "Markdown makes no link to data:", ['href="data:text/html']),
    "md-file": ("See [the page](file:///etc/hostname).\n", "Markdown makes no link to file:",
                ['href="file']),
    "md-other-host": ("See [the page](//example.invalid/payload-md-other-host).\n",
                      "a link to another host", ["payload-md-other-host"]),
    "rst-javascript": ("```{eval-rst}\nSee `the page <javascript:alert('payload-rst-js')>`_.\n```\n",
                       "a link to javascript:", ["payload-rst-js"]),
    "rst-data": ("```{eval-rst}\nSee `the page <data:text/html,payload-rst-data>`_.\n```\n",
                 "a link to data:", ["payload-rst-data"]),
    "rst-file": ("```{eval-rst}\nSee `the page <file:///etc/hostname#payload-rst-file>`_.\n```\n",
                 "a link to file:", ["payload-rst-file"]),
    "rst-http": ("```{eval-rst}\nSee `the page <http://example.invalid/payload-rst-http>`_.\n```\n",
                 "a link to http:", ["payload-rst-http"]),
    "rst-other-scheme": ("```{eval-rst}\nSee `the page <ftp://example.invalid/payload-rst-ftp>`_.\n```\n",
                         "a link to ftp:", ["payload-rst-ftp"]),
    # Links Sphinx makes only as it writes the page: the toctree's entries,
    # checked on the page as written (policy_sphinx_extensions/checks/published_pages.py).
    "toctree-javascript": ("```{toctree}\njavascript://%0aalert('payload-toctree-js')\n```\n",
                           "a link to javascript:", ["payload-toctree-js"]),
    "toctree-http": ("```{toctree}\n:maxdepth: 1\n\nhttp://example.invalid/payload-toctree-http\n```\n",
                     "a link to http:", ["payload-toctree-http"]),
    "toctree-titled": ("```{toctree}\nA title <VBScript://payload-toctree-titled>\n```\n",
                       "a link to vbscript:", ["payload-toctree-titled"]),
    "image-target": ("```{eval-rst}\n.. image:: evil.svg\n   :target: javascript:alert('payload-image-target')\n```\n",
                     "a link to javascript:", ["payload-image-target"]),
    # A named target of reStructuredText, as a browser reads its address.
    "rst-named-target": ("```{eval-rst}\nSee t_.\n\n.. _t: JaVa\tScript:alert('payload-rst-named')\n```\n",
                         "a link to javascript:", ["payload-rst-named"]),
    "rst-named-http": ("```{eval-rst}\nSee `the page`_.\n\n"
                       ".. _the page: http://example.invalid/payload-rst-named-http\n```\n",
                       "a link to http:", ["payload-rst-named-http"]),
    # 3. Ids: letters, digits, - _ and . (Sphinx writes them unescaped into the ¶ link).
    "label-markup": ('(x"><script>alert(document.domain)</script>)=\n## Heading\n\nText.\n',
                     "cannot be an id", ['"><script>alert(document.domain)']),
    "label-quote": ("(payload'quote)=\n## Heading\n\nText.\n", "cannot be an id", ["payload'quote"]),
    "label-ampersand": ("(a&amp;b)=\n## Heading\n\nText.\n", "cannot be an id", ["a&amp;amp;b"]),
    # 5. Invisible heading ids.
    "heading-invisible": ("## \u200b\n\nHidden.\n\n## 1. INFORMATION WE COLLECT\n\nText.\n",
                          "a heading with no visible text", []),
    "heading-empty": ("##\n\nHidden.\n\n## 1. INFORMATION WE COLLECT\n\nText.\n",
                      "a heading with no visible text", []),
    "heading-zero-width": (("## \u200b1. INFORMATION WE COLLECT\n\nHidden.\n\n"
                            "## 1. INFORMATION WE COLLECT\n\nText.\n"),
                           "holds an invisible character (U+200B ZERO WIDTH SPACE)", []),
    # 6. No silent loss.
    "nested-list": ("".join("  " * depth + f"- item {depth}\n" for depth in range(60)),
                    "nested too deep to be shown", []),
    "nested-quote": ("".join("> " * depth + f"quote {depth}\n\n" for depth in range(1, 21)),
                     "nested too deep to be shown", []),
}

# The line of each hostile case's notice the message names (1 is the notice's
# first line), when it is not the first line of the body.
LINE_IN_BODY = {"heading-zero-width": 1, "nested-list": 10, "nested-quote": 37,
                "meta": 2, "raw-file": 2, "raw-url": 2, "csv-file": 2, "csv-url": 2,
                "rst-include": 2, "raw-directive": 2, "download-outside": 2, "download-html": 2,
                "rst-javascript": 2, "rst-data": 2, "rst-file": 2, "rst-http": 2,
                "rst-other-scheme": 2, "toctree-javascript": 2, "toctree-http": 4,
                "toctree-titled": 2, "rst-named-target": 4, "rst-named-http": 4, "image-target": 2}

# The same for a whole notice: the line of its front matter's `myst`.
LINE_IN_NOTICE = {"front-matter-myst": NOTICE_FRONT_MATTER.count("\n"),
                  "front-matter-myst-jinja": NOTICE_FRONT_MATTER.count("\n"),
                  "front-matter-indented-end": NOTICE_FRONT_MATTER.count("\n") + 2,
                  "front-matter-substitutions": NOTICE_FRONT_MATTER.count("\n"),
                  "front-matter-two-readings": NOTICE_FRONT_MATTER.count("\n") + 2}

# The PDF of a notice renders no images yet: the picture is on the home page.
GOOD_HOME = HOME_PAGE + ("\n![A picture](example/picture.png)\n\n"
                         "[![A linked picture](example/picture.png)](https://example.com/good-image-link)\n")
GOOD_BODY = """\
## 1. INFORMATION WE COLLECT

A paragraph with a hard line break\\
after it, [a web page](https://example.com/good-https), [an address](mailto:privacy@example.com),
[a section](#1-information-we-collect) and [the home page](/index.md).

```{eval-rst}
See `the rst page <https://example.com/good-rst>`_ and :download:`the data <data.csv>`.
And `a named target`_.

.. _a named target: https://example.com/good-named
```

(keep.this_id-1)=
## 2. A section with a label

```{toctree}
https://example.com/good-toctree
```

""" + "".join("  " * depth + f"- good item {depth}\n" for depth in range(9)) + "\n" + "".join(
    "> " * depth + f"good quote {depth}\n\n" for depth in range(1, 19))

# A 1x1 PNG.
PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


def case_source(body: str) -> str:
    """A notice holding *body*, or *body* itself when it is a whole notice."""
    return body if body.startswith("---\n") else notice(body)


def body_line(case: str) -> int:
    """The line of the notice the message names: of the body's first line, plus LINE_IN_BODY."""
    if case in LINE_IN_NOTICE:
        return LINE_IN_NOTICE[case]
    return case_source("").count("\n") + LINE_IN_BODY.get(case, 1)


def built_files_holding(outdir: Path, needle: str) -> list[str]:
    """Every published file of *outdir* that holds *needle*."""
    return sorted(str(path.relative_to(outdir)) for path in outdir.rglob("*")
                  if path.is_file() and ".doctrees" not in path.parts
                  and needle.encode() in path.read_bytes())


@pytest.fixture(scope="module")
def server():
    """A server on 127.0.0.1 answering every request; the builds must make none."""
    httpd = HTTPServer(host="127.0.0.1", port=0)
    httpd.expect_request(re.compile(".*")).respond_with_handler(
        lambda request: Response(f"fetched-{request.path}"))
    httpd.start()
    yield SERVER.format(port=httpd.port), httpd.log
    httpd.stop()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, server):
    root = tmp_path_factory.mktemp("hostile")
    (root / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (root / "secret.png").write_bytes(PICTURE + SECRET.encode())
    files = {f"cases/{case}.md": case_source(body.replace("{server}", server[0]))
             for case, (body, _, _) in HOSTILE.items()}
    files["index.md"] = HOME_PAGE
    files["_data/navigation.yaml"] = navigation(*(f"cases/{case}" for case in HOSTILE))
    # Files of the source directory that would run script on the site's address.
    files["cases/evil.svg"] = ('<svg xmlns="http://www.w3.org/2000/svg">'
                               "<script>alert('payload-svg')</script></svg>\n")
    files["cases/evil.html"] = "<script>alert('payload-download-html')</script>\n"
    build = sphinx_build(write_project(root / "source", files), root / "out", "dirhtml")
    return build, server[1]


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    root = tmp_path_factory.mktemp("good")
    source = write_project(root / "source", {
        "index.md": GOOD_HOME,
        "example/Notice.md": notice(GOOD_BODY),
        "example/data.csv": "a,b\n",
        # Exactly at the size limit.
        "_data/large.txt": "x" * 1_000_000,
    })
    (source / "example" / "picture.png").write_bytes(PICTURE)
    return sphinx_build(source, root / "out", "dirhtml")


def test_good_sources_build_and_show_everything(good):
    assert good.returncode == 0, good.output
    page = good.page("example/Notice")
    assert 'id="1-information-we-collect"' in page
    # docutils writes addresses cloaked (mailto:privacy&#37;&#52;&#48;...).
    for href in ('href="https://example.com/good-https"', 'href="mailto:privacy',
                 'href="#information-we-collect"', 'href="https://example.com/good-rst"',
                 'href="https://example.com/good-named"', 'href="https://example.com/good-toctree"',
                 'href="#keep.this_id-1"'):
        assert href in page
    assert "hard line break<br />" in page
    assert (good.outdir / "_images" / "picture.png").read_bytes() == PICTURE
    assert 'href="https://example.com/good-image-link"><img' in good.page("")
    # A download is published at its own path (policy_sphinx_extensions.site.linked_files).
    assert (good.outdir / "example" / "data.csv").read_text() == "a,b\n"
    assert all(f"good item {depth}" in page for depth in range(9))
    assert all(f"good quote {depth}" in page for depth in range(1, 19))


def test_hostile_build_fails(hostile):
    build, _ = hostile
    assert build.returncode != 0


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_source_fails_at_its_line(hostile, case):
    build, _ = hostile
    message = HOSTILE[case][1]
    location = f"cases/{case}.md:{body_line(case)}: "
    lines = [line for line in build.output.splitlines() if location in line]
    assert any(message in line for line in lines), (location, message, build.output)


@pytest.mark.parametrize("case", [case for case in HOSTILE if HOSTILE[case][2]])
def test_payload_reaches_no_built_file(hostile, case):
    build, _ = hostile
    for needle in HOSTILE[case][2]:
        assert built_files_holding(build.outdir, needle) == []


def test_no_page_reaches_jinja(hostile):
    """Whatever a page's front matter says, its substitution runs no command."""
    assert not JINJA_MARKER.exists()
    assert JINJA_RAN not in hostile[0].output


@pytest.mark.parametrize("text", [
    NOTICE_FRONT_MATTER + "# A Notice\n",
    "---\ntitle: A\n...\nmyst: {}\n",
    "----\ntitle: A\n---\n",
    "---\ndescription: |\n  ---\nmyst: {}\n---\n",  # the renderer's block ends at '  ---'
    "---\ndescription: |\n    ---\nmyst: {}\n---\n",
    "---\ndescription: |\n  kept   \n  text \t\n---\n",  # trailing spaces dropped
    "---\ntitle: 'A\u2028myst: {}'\n---\n",  # a line break to str.splitlines
    "---\ntitle: A\n---x\nmyst: {}\n",
    "---\ntitle: A\nmyst: {}\n",  # never closed
    "--- \ntitle: A\n---\n",
])
def test_the_settings_readers_block_is_mysts(text):
    # The block the build checks for MyST's settings reader is the one it reads.
    assert yaml.safe_load(yamldata.settings_reader_block(text)) == read_topmatter(text)
    assert yamldata.settings_reader_block("# A page\n---\ntitle: A\n---\n") is None
    assert read_topmatter("# A page\n---\ntitle: A\n---\n") is None


def test_a_pages_front_matter_is_read_once(project, monkeypatch):
    """The front matter MyST renders is the build's reading of it (yamldata), not a second one."""
    reads = []
    safe_load = yaml.safe_load
    monkeypatch.setattr(yaml, "safe_load", lambda text, *args: reads.append(text)
                        or safe_load(text, *args))
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n")})
    assert build.returncode == 0, build.output
    assert [text for text in reads if "changes:" in text] == []
    assert "<p>Text.</p>" in build.page("example/Notice")


def test_nothing_is_fetched(hostile):
    _, requests = hostile
    assert requests == []


def test_url_schemes_as_browsers_read_them():
    assert url_scheme("https://example.com/") == "https"
    assert url_scheme(" JaVa\tScRiPt:alert(1)") == "javascript"
    assert url_scheme("\x01java\nscript:alert(1)") == "javascript"
    assert url_scheme("../Privacy-Notice/#1-information") is None
    allowed = ["https", "mailto"]
    assert link_problem("https://example.com/", allowed) is None
    assert link_problem("mailto:privacy@example.com", allowed) is None
    assert link_problem("/python.org/Privacy-Notice/", allowed) is None
    assert link_problem("#1-information-we-collect", allowed) is None
    for bad in ("http://example.com/", "javascript:alert(1)", "vbscript:x", "data:text/html,x",
                "file:///etc/passwd", "//example.com/", "\\\\example.com\\x", "/\\example.com"):
        assert link_problem(bad, allowed), bad


def test_pages_as_written_are_read_as_browsers_read_them():
    allowed = ["https", "mailto"]
    # Character references decoded by the HTML5 rules: &colon; and &Tab; are no HTML 4 names.
    assert [value for value, _ in page_problems(
        '<a href="JaVa&Tab;Script&colon;alert(1)">A</a><span id="a&#32;b"></span>', allowed)
    ] == ["JaVa\tScript:alert(1)", "a b"]
    # What browsers take as text is text; <noscript> is read as markup, as a browser
    # without scripts reads it.
    assert page_problems('<title><img src="https://example.invalid/t"></title>'
                         '<textarea><img src="https://example.invalid/a"></textarea>', allowed) == []
    assert [value for value, _ in page_problems(
        '<noscript><img src="https://example.invalid/n"></noscript>', allowed)
    ] == ["https://example.invalid/n"]
    # A page read only in part is refused, not checked in part: past 2,048 levels
    # libxml2 stops, before the link; beside it, the same link 2,000 levels deep is found.
    for depth, refused in ((2000, "a link to javascript:"), (3000, "cannot be read whole")):
        html = "<div>" * depth + '<a href="javascript:alert(1)">A</a>' + "</div>" * depth
        assert [refused in problem for _, problem in page_problems(html, allowed)] == [True]
    assert page_problems('<a href="https://www.python.org/" id="keep.this_id-1">A</a>',
                         allowed) == []


@pytest.mark.parametrize("libxml2, refused", [((2, 13, 9), True), (lxml_etree.LIBXML_VERSION, False)])
def test_pages_are_read_only_with_libxml2s_html5_rules(monkeypatch, libxml2, refused):
    monkeypatch.setattr(lxml_etree, "LIBXML_VERSION", libxml2)
    config = types.SimpleNamespace(template_bridge=None)
    if refused:
        with pytest.raises(BuildRefused, match="libxml2 2.13.9"):
            published_pages._use_bridge(None, config)
    else:
        published_pages._use_bridge(None, config)
        assert config.template_bridge == published_pages.BRIDGE


def test_invisible_characters():
    assert not has_visible_text("\u200b \u2060\ufeff\u3164")
    assert not has_visible_text("")
    assert has_visible_text("1. INFORMATION WE COLLECT")
    assert has_visible_text("Caf\u0065\u0301")  # an accent written as a combining mark
    assert [unicodedata.name(char) for char in invisible_characters("a\u200bb\u00adc")] == [
        "ZERO WIDTH SPACE", "SOFT HYPHEN"]
    assert invisible_characters("Privacy\u00a0Notice") == []


# 3 and 4. The source tree: names, sizes, one source per page, no links.

def test_unsafe_source_tree_stops_the_build(tmp_path):
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    source = write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "example/Notice.md": notice("Text.\n"),
        "example/Notice/index.md": notice("The same page again.\n"),
        'example/a"><script>alert(1)</script>.md': notice("Text.\n"),
        "_data/large.txt": "x" * 1_000_001,
        "example/-rf.md": notice("Text.\n"),
    })
    (source / "example" / "leak.md").symlink_to(tmp_path / "secret.txt")
    (source / "_data" / "outside").symlink_to(tmp_path, target_is_directory=True)
    # Over the limit and not UTF-8 either: refused for its size, never read.
    (source / "_data" / "large.yaml").write_bytes(b"\xe9" * 1_000_001)
    build = sphinx_build(source, tmp_path / "out",
                         extensions=["policy_sphinx_extensions.checks.source_files"])
    assert build.returncode != 0
    expected = [
        ('example/a"><script>alert(1)</script>.md:1: ERROR: the name', "may hold only letters"),
        ("_data/large.txt:1: ERROR: ", "1,000,001 bytes, over the limit of 1,000,000"),
        ("_data/large.yaml:1: ERROR: ", "1,000,001 bytes, over the limit of 1,000,000"),
        ("example/-rf.md:1: ERROR: the name", "no part of it may start with '-'"),
        ("example/leak.md:1: ERROR: ", "a symbolic link"),
        ("_data/outside:1: ERROR: ", "a symbolic link"),
        ("example/Notice.md:1: ERROR: ", ("two sources for the page /example/Notice/: "
         f"{source}/example/Notice.md and {source}/example/Notice/index.md")),
    ]
    for location, message in expected:
        assert any(location in line and message in line for line in build.output.splitlines()), (
            location, build.output)
    assert "ERROR: Build stopped: the 8 problem(s) above may not be built" in build.output
    assert yamldata.NOT_UTF8 not in build.output
    assert_refused_alone(build)
    assert not list(build.outdir.rglob("*.html"))
    assert built_files_holding(build.outdir, SECRET) == []


def test_a_link_among_the_sources_of_a_git_history_is_refused_unread(tmp_path, monkeypatch):
    # The notices' versions are sorted before the source check runs: a page
    # that is a link (to /dev/zero, which never ends) must not be read there.
    repo = GitProject(tmp_path / "repo")
    repo.commit({"index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n")})
    (tmp_path / "elsewhere.md").write_text(NOTICE_FRONT_MATTER, encoding="utf-8")
    link = repo.root / "source" / "example" / "Link.md"
    link.symlink_to(tmp_path / "elsewhere.md")
    read_bytes, read = Path.read_bytes, []

    def noting_reads(path):
        read.append(path)
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", noting_reads)
    build = sphinx_build(repo.root / "source", tmp_path / "out")
    assert build.returncode != 0
    assert (f"example/Link.md:1: ERROR: a symbolic link (to '{tmp_path / 'elsewhere.md'}') "
            "may not be built or published") in build.output, build.output
    assert repo.root / "source" / "example" / "Notice.md" in read  # the notice was sorted
    assert link not in read


# Words an editor writes beyond ASCII, which a page saved as UTF-8 keeps.
ACCENTED = "Caf\u00e9 \u201cquoted\u201d, na\u00efve\u2019s r\u00e9sum\u00e9."


@pytest.mark.parametrize("name", ["example/Notice.md", "_data/navigation.yaml"])
def test_a_file_not_saved_as_utf8_stops_the_build_at_its_line(tmp_path, name):
    good = {"index.md": HOME_PAGE, "example/Notice.md": notice(ACCENTED + "\n")}
    source = write_project(tmp_path / "source", good)
    build = sphinx_build(source, tmp_path / "good", "dirhtml")
    assert build.returncode == 0, build.output
    assert ACCENTED in (build.outdir / "example/Notice/index.html").read_text(encoding="utf-8")

    # The same file as an editor's Latin-1 save: its first accent is on its last line.
    path = source / name
    text = path.read_text(encoding="utf-8")
    latin = (text + "# Caf\u00e9\n" if name.endswith(".yaml") else text.replace(ACCENTED, "Caf\u00e9."))
    path.write_bytes(latin.encode("latin-1"))
    line = path.read_bytes().count(b"\n")
    build = sphinx_build(source, tmp_path / "refused", "dirhtml")
    assert f"{name}:{line}: ERROR: {yamldata.NOT_UTF8}" in build.output, build.output
    assert_refused_alone(build)
    assert not list(build.outdir.rglob("*.html"))


def assert_refused_alone(build) -> None:
    """A refused build ends with its own messages: no crash report, no traceback."""
    assert build.returncode == 2, build.output
    last = build.output.strip().splitlines()[-1]
    assert "ERROR: " in last, build.output
    for crash in ("Traceback", "Sphinx version", "sphinx-doc", "error!"):
        assert crash not in build.output, build.output


@pytest.mark.parametrize("name", ['example/a"><b>x', "example/Notice"])
def test_a_page_name_with_markup_in_the_navigation_is_refused_alone(tmp_path, name):
    build = sphinx_build(write_project(tmp_path / "source", {
        "index.md": HOME_PAGE, f"{name}.md": notice("Text.\n"),
        "_data/navigation.yaml": navigation(name)}), tmp_path / "out", extensions=[NAVIGATION])
    if name == "example/Notice":  # the good one beside it
        assert build.returncode == 0, build.output
        return
    assert_refused_alone(build)
    assert "_data/navigation.yaml:4: ERROR: entry " in build.output
    assert not list(build.outdir.rglob("*.html"))


def test_an_editors_backups_and_locks_are_passed_over_and_never_published(tmp_path):
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "Leak.md").write_text(notice(SECRET + "\n"), encoding="utf-8")
    editor_files = {"example/Notice.md~": notice(SECRET + "\n"),
                    "example/#Notice.md#": notice(SECRET + "\n")}
    source = write_project(tmp_path / "source", {
        "index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n"), **editor_files})
    # Emacs's lock: a link to "user@host.pid", dangling; here to a secret.
    (source / "example" / ".#Notice.md").symlink_to(tmp_path / "secret.txt")
    build = sphinx_build(source, tmp_path / "out", "dirhtml")
    assert build.returncode == 0, build.output
    assert built_files_holding(build.outdir, SECRET) == []

    # Named as a backup but a link, or a folder Sphinx would read through.
    (source / "example" / "Old.md~").symlink_to(tmp_path / "secret.txt")
    (source / "example" / "old~").symlink_to(tmp_path / "outside", target_is_directory=True)
    build = sphinx_build(source, tmp_path / "refused", "dirhtml")
    assert build.returncode != 0
    for name in ("Old.md~", "old~"):
        assert f"example/{name}:1: ERROR: a symbolic link" in build.output, build.output
    assert built_files_holding(build.outdir, SECRET) == []

    # And no page may link a backup.
    (source / "example" / "Old.md~").unlink()
    (source / "example" / "old~").unlink()
    (source / "example" / "Notice.md").write_text(notice("[the old text](Notice.md~)\n"))
    build = sphinx_build(source, tmp_path / "linked", "dirhtml")
    assert build.returncode != 0
    assert "the download 'Notice.md~' may not be published" in build.output, build.output
    assert built_files_holding(build.outdir, SECRET) == []


def own_configuration(root: Path) -> Path:
    """A copy of the project's configuration (conf.py, extensions, _static, _templates)."""
    return copy_project(root)


def test_link_or_script_under_static_stops_the_build(tmp_path, good):
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    confdir = own_configuration(tmp_path / "project")
    (confdir / "_static" / "leak.css").symlink_to(tmp_path / "secret.txt")
    (confdir / "_static" / "page.html").write_text("<script>alert(1)</script>\n")
    (confdir / "_static" / "theme.css_t").write_text("{{ config.__class__ }}\n")
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                 "example/Notice.md": notice("Text.\n")})
    build = sphinx_build(source, tmp_path / "out", "dirhtml", "-c", str(confdir))
    assert build.returncode != 0
    assert f"{confdir}/_static/leak.css:1: ERROR: a symbolic link" in build.output
    for name, suffix in (("page.html", ".html"), ("theme.css_t", ".css_t")):
        assert f"{confdir}/_static/{name}:1: ERROR: a {suffix} file may not be published" in (
            build.output)
    assert not list(build.outdir.rglob("*.html"))
    assert built_files_holding(build.outdir, SECRET) == []
    # Beside it, the good build published the stylesheets of _static.
    assert (good.outdir / "_static" / "policies.css").is_file()


def test_a_stylesheet_or_template_that_loads_from_another_host_stops_the_build(tmp_path,
                                                                               monkeypatch):
    confdir = own_configuration(tmp_path / "project")
    stylesheet = confdir / "_static" / "policies.css"
    css = stylesheet.read_text(encoding="utf-8")
    stylesheet.write_text(css + '@import "https://example.invalid/payload-import.css";\n'
                          "body { background: u\\72l(//example.invalid/payload-url.png) }\n"
                          "/* url(https://example.invalid/in-a-comment) */\n", encoding="utf-8")
    template = confdir / "_templates" / "page.html"
    html = template.read_text(encoding="utf-8")
    template.write_text(html + '<script src="https://example.invalid/payload-script.js"></script>\n'
                        '<div style="background: url(HTTPS://example.invalid/payload-style)"></div>\n',
                        encoding="utf-8")
    # The project's own templates (the print page, the redlines) are checked too.
    own_templates = tmp_path / "templates"
    own_templates.mkdir()
    (own_templates / "print.html").write_text('<p>\n<img src="data:image/png;base64,AA">\n')
    monkeypatch.setattr(remote_resources, "PROJECT_TEMPLATES", (own_templates,))
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                 "example/Notice.md": notice("Text.\n")})
    build = sphinx_build(source, tmp_path / "out", "dirhtml", "-c", str(confdir))
    assert build.returncode != 0
    css_line, html_line = css.count("\n"), html.count("\n")
    for location, loaded in [(f"{stylesheet}:{css_line + 1}", "https://example.invalid/payload-import.css"),
                             (f"{stylesheet}:{css_line + 2}", "//example.invalid/payload-url.png"),
                             (f"{template}:{html_line + 1}", "https://example.invalid/payload-script.js"),
                             (f"{template}:{html_line + 2}", "HTTPS://example.invalid/payload-style"),
                             (f"{own_templates}/print.html:2", "data:image/png;base64,AA")]:
        assert f"{location}: ERROR: " in build.output and repr(loaded) in build.output, (
            location, build.output)
    assert "in-a-comment" not in build.output
    assert built_files_holding(build.outdir, "example.invalid") == []

    # Files of the site, and a link a reader follows, are no loads.
    stylesheet.write_text(css + "body { background: url(../images/back.png) }\n", encoding="utf-8")
    template.write_text(html + '<a href="https://www.python.org/psf/">The PSF</a>\n', encoding="utf-8")
    (own_templates / "print.html").write_text('<p>\n<img src="{{ pathto(picture, 1) }}">\n')
    build = sphinx_build(source, tmp_path / "good", "dirhtml", "-c", str(confdir))
    assert build.returncode == 0, build.output


def test_every_page_as_written_passes_the_link_and_id_rules(tmp_path):
    # A link and an id no page's source holds: the sidebar's template writes
    # them on every page.
    confdir = own_configuration(tmp_path / "project")
    sidebar = confdir / "_templates" / "sidebar" / "navigation.html"
    html = sidebar.read_text(encoding="utf-8")
    marker = '<div class="sidebar-tree">'
    assert marker in html
    line = html[: html.index(marker)].count("\n") + 2
    sidebar.write_text(html.replace(marker, marker + (
        "\n<a href=\"JaVa\tScript:alert('payload-template-link')\">A</a>"
        '<span id="payload id"></span>')), encoding="utf-8")
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                 "example/Notice.md": notice("Text.\n")})
    build = sphinx_build(source, tmp_path / "out", "dirhtml", "-c", str(confdir))
    assert build.returncode != 0
    for message in ("a link to javascript: is not allowed",
                    "the id 'payload id' may hold only letters, digits"):
        assert any(f"{sidebar}:{line}: ERROR: {message}" in row
                   for row in build.output.splitlines()), (message, build.output)
    assert built_files_holding(build.outdir, "payload-template-link") == []
    assert built_files_holding(build.outdir, "payload id") == []

    # Beside it, the site's own templates write pages that pass (the good build).
    sidebar.write_text(html.replace(marker, marker + '\n<a href="https://www.python.org/">A</a>'),
                       encoding="utf-8")
    build = sphinx_build(source, tmp_path / "good", "dirhtml", "-c", str(confdir))
    assert build.returncode == 0, build.output
    assert 'href="https://www.python.org/"' in build.page("example/Notice")


def test_nothing_a_page_as_written_loads_comes_from_another_host(project):
    # A script the configuration adds to every page, in no template or source.
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n")}, "dirhtml",
                    "-D", "html_js_files=https://example.invalid/payload-js-file.js",
                    extensions=PAGES_AS_WRITTEN)
    assert build.returncode != 0
    assert ("example/Notice.md: ERROR: <script src> loads "
            "'https://example.invalid/payload-js-file.js'") in build.output, build.output
    assert built_files_holding(build.outdir, "payload-js-file") == []


def test_docutils_conf_may_not_turn_file_insertion_back_on(tmp_path):
    confdir = own_configuration(tmp_path / "project")
    (confdir / "docutils.conf").write_text("[general]\nfile_insertion_enabled: true\n")
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                 "example/Notice.md": notice("Text.\n")})
    build = sphinx_build(source, tmp_path / "out", "dirhtml", "-c", str(confdir),
                         extensions=SOURCES)
    assert build.returncode != 0
    assert ("example/Notice.md: ERROR: docutils setting file_insertion_enabled is True"
            in build.output)


def test_suppress_warnings_may_not_hide_the_checks(project):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n")},
                    "dirhtml", "-D", "suppress_warnings=policy.raw", extensions=SOURCES)
    assert build.returncode != 0
    assert "suppress_warnings may not hide 'policy.raw'" in build.output


# 7. A failed build stays failed; an interrupted one leaves nothing behind; one build at a time.

def problems(output: str) -> list[str]:
    return sorted(line for line in output.splitlines() if ": ERROR: " in line or ": WARNING: " in line)


def published(outdir: Path) -> dict[str, bytes]:
    return {str(path.relative_to(outdir)): path.read_bytes() for path in outdir.rglob("*")
            if path.is_file() and ".doctrees" not in path.parts}


def test_failed_build_fails_again_until_fixed(tmp_path):
    source = write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        # Found while reading, and while writing (references are resolved then).
        "example/Notice.md": notice("Text <b>bold</b>.\n\nSee [a section](#no-such-section).\n"),
    })
    first = sphinx_build(source, tmp_path / "out", "dirhtml")
    assert first.returncode != 0
    assert any("raw HTML" in line for line in problems(first.output))
    assert any("no-such-section" in line for line in problems(first.output))

    again = sphinx_build(source, tmp_path / "out", "dirhtml")
    assert again.returncode != 0
    assert problems(again.output) == problems(first.output)

    (source / "example" / "Notice.md").write_text(notice("Text.\n"), encoding="utf-8")
    fixed = sphinx_build(source, tmp_path / "out", "dirhtml")
    assert fixed.returncode == 0, fixed.output
    unchanged = sphinx_build(source, tmp_path / "out", "dirhtml")
    assert unchanged.returncode == 0, unchanged.output
    assert "0 added, 0 changed, 0 removed" in unchanged.output


def sphinx_process(srcdir: Path, outdir: Path, *extra: str) -> subprocess.Popen:
    """A build whose output is read line by line while it runs."""
    return subprocess.Popen(
        [sys.executable, "-m", "sphinx", "-b", "dirhtml", "-c", str(ROOT), *STRICT, *extra,
         str(srcdir), str(outdir)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, start_new_session=True)


def kill(process: subprocess.Popen) -> None:
    """Kill the build and every process it started, as stopping a CI job does."""
    with contextlib.suppress(ProcessLookupError):  # it ended already: the test says why
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def read_until(process: subprocess.Popen, text: str, seconds: float = 120) -> list[str]:
    """The lines *process* writes up to the first holding *text*; fails after *seconds*."""
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()
    seen, deadline = [], time.monotonic() + seconds
    while not seen or text not in seen[-1]:
        try:
            seen.append(lines.get(timeout=max(deadline - time.monotonic(), 0)))
        except queue.Empty:
            kill(process)
            pytest.fail(f"no line with {text!r} in:\n{''.join(seen)}")
    return seen


def interruptible_project(root: Path) -> Path:
    files = {"index.md": HOME_PAGE,
             # Found while reading: a build that skipped reading again would pass.
             "example/Notice.md": notice("Text <b>bold</b>.\n")}
    files.update({f"example/Notice-{number}.md": notice(f"Notice {number}.\n")
                  for number in range(3)})
    files["_data/navigation.yaml"] = navigation(*sorted(name[:-3] for name in files
                                                       if name.startswith("example/")))
    return write_project(root, files)


def test_interrupted_build_then_build_is_a_clean_build(tmp_path):
    source = interruptible_project(tmp_path / "source")
    outdir = tmp_path / "out"
    notice_0 = source / "example" / "Notice-0.md"
    notice_0.write_text(notice_0.read_text().replace("# Example Notice", "# A Zebra Notice"))
    assert sphinx_build(source, outdir).returncode != 0
    # An edit that takes a word out of the search index, then a build stopped
    # while it writes the pages.
    notice_0.write_text(notice_0.read_text().replace("# A Zebra Notice", "# A Renamed Notice"))
    process = sphinx_process(source, outdir)
    try:
        read_until(process, "writing output... [")
    finally:
        kill(process)
    assert process.returncode == -signal.SIGKILL

    after = sphinx_build(source, outdir)
    after_files = published(outdir)
    shutil.rmtree(outdir)
    clean = sphinx_build(source, outdir)
    assert clean.returncode != 0
    assert (after.returncode, problems(after.output)) == (clean.returncode, problems(clean.output))
    assert after_files == published(outdir)


def wait_until_blocked_on(lock: Path, process: subprocess.Popen) -> None:
    """Return once the kernel lists *process* as waiting for a POSIX lock on *lock*
    (in /proc/locks, a waiter's line says "->"); fail if it ends, or never waits."""
    inode = lock.stat().st_ino
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for line in Path("/proc/locks").read_text().splitlines():
            fields = line.split()
            if fields[1] == "->" and fields[5] == str(process.pid) and \
                    fields[6].endswith(f":{inode}"):
                return
        assert process.poll() is None, process.communicate()[0]
        time.sleep(0.05)
    kill(process)
    pytest.fail(f"the build never waited for {lock}")


def test_second_build_in_one_tree_waits_for_the_first(tmp_path):
    source = write_project(tmp_path / "source", {"index.md": HOME_PAGE,
                                                  "example/Notice.md": notice("Text.\n")})
    outdir = tmp_path / "out"
    (outdir / ".doctrees").mkdir(parents=True)
    # This test is the first build: it holds the lock a build holds.
    with (outdir / ".doctrees" / "build.lock").open("a") as lock:
        fcntl.lockf(lock, fcntl.LOCK_EX)
        process = sphinx_process(source, outdir)
        try:
            read_until(process, "another build is writing")
            wait_until_blocked_on(outdir / ".doctrees" / "build.lock", process)
            assert process.poll() is None
            assert not list(outdir.rglob("*.html"))
        finally:
            fcntl.lockf(lock, fcntl.LOCK_UN)
            output, _ = process.communicate(timeout=300)
    assert process.returncode == 0, output
    assert (outdir / "example" / "Notice" / "index.html").is_file()


# Limits: a page that would take the build a time growing with its square.

@pytest.mark.parametrize("headings", [1_001, 1_000])
def test_a_page_over_the_heading_limit_is_refused_before_it_is_rendered(project, headings):
    # One heading over the limit is refused as a page of many thousands would be:
    # the count is taken before anything is rendered.
    body = "".join(f"## A\n\nText {n}.\n\n" for n in range(headings - 1))
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice(body)},
                    extensions=[NAVIGATION])
    if headings == 1_000:  # the title and 999 more: at the limit, beside
        assert build.returncode == 0, build.output
        return
    first_over = notice("").count("\n") + 1 + 4 * 999
    assert (f"example/Notice.md:{first_over}: ERROR: the page has 1,001 headings, over the "
            "limit of 1,000 (policy_max_headings)") in build.output, build.output
    assert problems(build.output) == [line for line in problems(build.output)
                                      if "policy_max_headings" in line]
    assert "Text 999." not in build.page("example/Notice")


@pytest.mark.parametrize("directive", ["note", "code-block"])
def test_headings_in_a_directive_count_too(project, directive):
    body = f"```{{{directive}}}\n" + "## A\n\n" * 1_000 + "```\n"
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice(body)},
                    "dirhtml", "-D", "policy_max_headings=999", extensions=[NAVIGATION])
    if directive == "code-block":  # its lines are code, not headings
        assert build.returncode == 0, build.output
        return
    assert "the page has 1,001 headings, over the limit of 999" in build.output, build.output


@pytest.mark.parametrize("extensions, refused", [
    (["substitution"], "myst_enable_extensions may not hold 'substitution'"),
    (["deflist"], None),
])
def test_conf_py_may_not_turn_substitutions_on(tmp_path, extensions, refused):
    confdir = own_configuration(tmp_path / "project")
    with (confdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"\nmyst_enable_extensions = {extensions!r}\n")
    source = write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "example/Notice.md": notice(JINJA_PAYLOAD.split("# A Notice\n\n")[1])})
    build = sphinx_build(source, tmp_path / "out", "dirhtml", "-c", str(confdir))
    assert not JINJA_MARKER.exists()
    if refused is None:
        assert build.returncode == 0, build.output
        return
    assert f"ERROR: {refused}" in build.output, build.output
    assert_refused_alone(build)


@pytest.mark.parametrize("parser, refused", [
    ("myst_parser.parsers.sphinx_.MystParser", True),
    ("policy_sphinx_extensions.reading.page_parser.SiteMystParser", False),
])
def test_no_other_markdown_parser_takes_the_sites_place(tmp_path, parser, refused):
    # A parser registered after the site's (by any extension) would read each
    # page with its own MyST settings again: the Jinja payload must never run.
    confdir = own_configuration(tmp_path / "project")
    module, name = parser.rsplit(".", 1)
    # A module name of its own: the builds run in this process, which keeps modules.
    extension = f"other_parser_{name.lower()}"
    (confdir / f"{extension}.py").write_text(
        f"from {module} import {name}\n\n\ndef setup(app):\n"
        f"    app.add_source_parser({name}, override=True)\n    return {{}}\n",
        encoding="utf-8")
    with (confdir / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write("\nsys.path.insert(0, str(Path(__file__).parent))\n"
                   f"extensions.append({extension!r})\n")
    source = write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "example/Notice.md": notice(JINJA_PAYLOAD.split("# A Notice\n\n")[1])})
    build = sphinx_build(source, tmp_path / "out", "dirhtml", "-c", str(confdir))
    assert not JINJA_MARKER.exists()
    if not refused:
        assert build.returncode == 0, build.output
        return
    assert (f"ERROR: the Markdown parser {parser} is not built on "
            "policy_sphinx_extensions.reading.page_parser.SiteMystParser") in build.output, build.output
    assert_refused_alone(build)


def test_a_warning_about_the_configuration_is_a_warning_not_a_crash(project):
    # Sphinx warns before the build environment exists; the filter of repeated
    # warnings (versions/repeated_messages.py) reads no environment then.
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n")},
                    "dirhtml", "-D", "myst_enable_extensions=substitution")
    assert build.returncode != 0
    assert "cannot override config setting 'myst_enable_extensions'" in build.output
    for crash in ("Traceback", "sphinx-doc", "error!"):
        assert crash not in build.output, build.output


@pytest.mark.parametrize("bridge, refused", [
    ("sphinx.jinja2glue.BuiltinTemplateLoader", True),
    ("policy_sphinx_extensions.checks.published_pages.CheckedTemplates", False),
])
def test_no_template_bridge_skips_the_check_of_pages_as_written(project, bridge, refused):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": notice("Text.\n")},
                    "dirhtml", "-D", f"template_bridge={bridge}", extensions=PAGES_AS_WRITTEN)
    if not refused:
        assert build.returncode == 0, build.output
        return
    assert "ERROR: template_bridge is " in build.output and repr(bridge) in build.output
    assert_refused_alone(build)
