"""`tools/linkcheck.py` end to end, offline: a tiny project whose processor
URLs live on an HTTPS test server on 127.0.0.1.

Sphinx's linkcheck builder, LinkChecker and the registry check all run for
real; only the internet is replaced.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import trustme
from conftest import NOTICE_FRONT_MATTER, write_project
from pytest_httpserver import HTTPServer
from test_processors import NAVIGATION

from tools import linkcheck

ROOT = Path(__file__).resolve().parents[1]


NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

## 2. USE OF THIRD PARTY SERVICES

- {processor}`Example Hosting <example>` to host the website.
  {processor-terms}`example`

Write to [the PSF](mailto:psf@python.org).
"""


@pytest.fixture
def readable_tmp():
    """A folder anyone can read: LinkChecker run as root drops to `nobody`,
    and pytest's own temporary folders are private to root."""
    folder = Path(tempfile.mkdtemp(prefix="linkcheck-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture(scope="module")
def tls_server():
    """An HTTPS server on 127.0.0.1 with a certificate from a throwaway CA."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    # LinkChecker drops root to `nobody`: the CA file must be readable by anyone.
    folder = Path(tempfile.mkdtemp(prefix="linkcheck-ca-"))
    folder.chmod(0o755)
    ca_file = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    ca_file.chmod(0o644)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    server.start()
    server.ca_file = ca_file
    yield server
    server.stop()
    ca_file.unlink()
    folder.rmdir()


def tiny_site(root: Path, server: HTTPServer) -> Path:
    registry = f"""\
processors:
  - id: example
    name: Example
    terms:
      label: Data Processing Terms
      url: {server.url_for('/dpa')}
    privacy:
      label: Privacy Policy
      url: {server.url_for('/privacy')}
"""
    return write_project(root, {
        "_data/navigation.yaml": NAVIGATION,
        "_data/processors.yaml": registry,
        "index.md": "# Home\n\n```{site-map}\n```\n",
        "example/Notice.md": NOTICE,
        "Third-Party-Processors.md": (
            "---\nkind: site\n---\n\n# Third-party processors\n\n```{processor-table}\n```\n"
        ),
    })


def run_linkcheck(source: Path, builddir: Path, ca_file: Path) -> subprocess.CompletedProcess:
    # Furo's footer credits its home page: the one link off this machine.
    return subprocess.run(
        [sys.executable, str(ROOT / "tools/linkcheck.py"), "--source", str(source),
         "--builddir", str(builddir), "--ca-bundle", str(ca_file),
         "--ignore", r"^https://github\.com/", "--timeout", "3", "--retries", "1",
         "--max-seconds", "120"],
        capture_output=True, text=True, check=False, timeout=180,
    )


def test_a_processor_url_gone_404_turns_the_check_red_then_fixed_green(
    tls_server, tmp_path, readable_tmp
):
    source = tiny_site(tmp_path / "source", tls_server)
    builddir = readable_tmp
    tls_server.expect_request("/dpa").respond_with_data("the terms")
    tls_server.expect_request("/privacy").respond_with_data("gone", status=404)

    red = run_linkcheck(source, builddir, tls_server.ca_file)
    privacy_url = tls_server.url_for("/privacy")
    assert red.returncode == 1, red.stdout + red.stderr
    assert f"linkcheck: error: broken: {privacy_url}: 404 NOT FOUND" in red.stderr
    assert "processor example (Example privacy policy), cited by Example Notice" in red.stderr

    report = json.loads((builddir / "linkcheck/report.json").read_text(encoding="utf-8"))
    assert [b["url"] for b in report["broken_processor_urls"]] == [privacy_url]
    rows = {row["url"]: row for row in report["urls"]}
    assert rows[privacy_url]["status"] == "broken"
    # Each of the three checkers saw the processor URL.
    assert set(rows[privacy_url]["checks"]) == {"sphinx", "linkchecker", "registry"}
    assert rows[tls_server.url_for("/dpa")]["status"] == "ok"
    assert not any(url.startswith("mailto:") for url in rows)  # never resolved
    text = (builddir / "linkcheck/report.txt").read_text(encoding="utf-8")
    all_three = "[sphinx: broken, linkchecker: broken, registry: broken]"
    assert f"BROKEN        {privacy_url}  {all_three}" in text
    # Everything but the processor URL is green: the site's own pages and anchors too.
    assert {row["status"] for url, row in rows.items() if url != privacy_url} == {"ok"}
    assert any(url.startswith("/example/Notice/") for url in rows)

    issue = (builddir / "linkcheck/issue.md").read_text(encoding="utf-8")
    assert f"| Example (`example`) | Privacy Policy | {privacy_url} | 404 NOT FOUND" in issue
    assert "Example Notice (`example/Notice/#2-use-of-third-party-services`)" in issue

    tls_server.clear()
    tls_server.expect_request("/dpa").respond_with_data("the terms")
    tls_server.expect_request("/privacy").respond_with_data("our policy")
    green = run_linkcheck(source, builddir, tls_server.ca_file)
    assert green.returncode == 0, green.stdout + green.stderr
    report = json.loads((builddir / "linkcheck/report.json").read_text(encoding="utf-8"))
    assert report["broken_processor_urls"] == []
    assert report["counts"]["broken"] == 0
    assert not (builddir / "linkcheck/issue.md").exists()


def test_linkchecker_finds_a_broken_anchor_on_the_served_site(readable_tmp, tmp_path):
    site = readable_tmp
    (site / "index.html").write_text(
        '<html><body><h1 id="here">Here</h1>'
        '<a href="page.html#nowhere">missing anchor</a> <a href="page.html#there">anchor</a>'
        "</body></html>",
        encoding="utf-8",
    )
    (site / "page.html").write_text('<html><body><p id="there">x</p></body></html>', "utf-8")
    config = tmp_path / "linkcheckerrc"
    config.write_text(linkcheck.linkchecker_config(linkcheck.Policy(timeout=3), 30, None, [], []))
    with linkcheck.SiteServer(site) as site_url:
        run = linkcheck.run_linkchecker(site_url, config, timeout=60)
    seen = {row["url"]: linkcheck.linkchecker_seen(row) for row in run["results"]}
    assert run["finished"]
    assert seen[f"{site_url}page.html#nowhere"].status == "broken"
    assert "nowhere" in seen[f"{site_url}page.html#nowhere"].detail
    assert seen[f"{site_url}page.html#there"].status == "ok"


@pytest.mark.parametrize(
    ("item", "status"),
    [
        ({"result": "404 Not Found", "valid": "False"}, "broken"),
        ({"result": "403 Forbidden", "valid": "False"}, "soft-failure"),
        ({"result": "ReadTimeout: read timed out", "valid": "False"}, "timeout"),
        ({"result": "429 Too Many Requests", "valid": "True"}, "timeout"),
        ({"result": "200 OK", "valid": "True",
          "warningstring": "Redirected to `https://b.example/' status: 301 Moved Permanently."},
         "redirected"),
        ({"result": "200 OK", "valid": "True"}, "ok"),
    ],
)
def test_linkchecker_results_are_classified_like_the_registry_check(item, status):
    assert linkcheck.linkchecker_seen(item).status == status


@pytest.mark.parametrize(
    ("item", "status"),
    [
        ({"status": "working", "uri": "u"}, "ok"),
        ({"status": "redirected", "code": 308, "info": "https://b/", "uri": "u"}, "redirected"),
        ({"status": "broken", "info": "404 Client Error: Not Found for url: u", "uri": "u"},
         "broken"),
        ({"status": "broken", "info": "403 Client Error: Forbidden", "uri": "u"}, "soft-failure"),
        ({"status": "timeout", "info": "", "uri": "u"}, "timeout"),
    ],
)
def test_sphinx_results_are_classified_like_the_registry_check(item, status):
    assert linkcheck.sphinx_seen(item).status == status


def test_sphinx_unchecked_links_are_left_out():
    assert linkcheck.sphinx_seen({"status": "unchecked", "uri": "mailto:x@y"}) is None


def test_the_linkchecker_config_follows_the_policy():
    policy = linkcheck.Policy(timeout=7, host_interval=0.25, workers=4)
    config = linkcheck.linkchecker_config(policy, 100, "/ca.pem", ["https://s/"], ["^https://x/"])
    for line in ("timeout=7", "maxrunseconds=100", "maxrequestspersecond=4", "threads=4",
                 "sslverify=/ca.pem", "  ^mailto:", "  ^https://s/$", "  ^https://x/"):
        assert line in config.splitlines()
