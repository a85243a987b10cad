"""`tools/linkcheck.py` and the address guard, offline.

LinkChecker runs for real over a site served on 127.0.0.1. What would be the
internet is an HTTPS test server on 127.0.0.1, reached under public-looking
names through a stand-in resolver that the test puts in front of the checking
process (a ``sitecustomize`` module): the names it knows lead to the test
server, every other name fails, so nothing ever leaves the machine.
"""

from __future__ import annotations

import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
import requests
import trustme
from bs4 import BeautifulSoup
from conftest import NOTICE_FRONT_MATTER, sphinx_build, write_project, navigation
from pytest_httpserver import HTTPServer
from werkzeug import Response

from tools import address_guard, linkcheck, linkcheck_report

ROOT = Path(__file__).resolve().parents[1]
NAME = "dpa.example.com"  # the processor's host, as the notices link it

NAVIGATION = navigation(("Example Notice", "example/Notice"),
                        ("Third-party processors", "Third-Party-Processors"))
REGISTRY = f"""\
processors:
  - id: example
    name: Example
    terms:
      label: Data Processing Terms
      url: https://{NAME}/terms
    privacy:
      label: Privacy Policy
      url: https://{NAME}/privacy
"""
NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

## 2. USE OF THIRD PARTY SERVICES

- {processor}`Example Hosting <example>` to host the website.
  {processor-terms}`example`

Write to [the PSF](mailto:psf@python.org).
"""
# Furo's footer credits its home page: a link the tests leave unchecked.
IGNORE = ["--ignore", r"^https://github\.com/"]


def readable_folder() -> Path:
    """A folder anyone can read: LinkChecker run as root drops to `nobody`."""
    folder = Path(tempfile.mkdtemp(prefix="linkcheck-"))
    folder.chmod(0o755)
    return folder


@pytest.fixture(scope="module")
def internet():
    """The HTTPS server standing in for the processors' hosts, with a throwaway CA."""
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(NAME).configure_cert(context)
    folder = readable_folder()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    (folder / "ca.pem").chmod(0o644)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context, threaded=True)
    server.start()
    server.ca_file = folder / "ca.pem"
    yield server
    server.stop()
    shutil.rmtree(folder)


def resolver(folder: Path, names: dict[str, tuple[str, int]]) -> dict[str, str]:
    """The environment of a process whose resolver knows only *names* (name -> address, port).

    Addresses written as numbers resolve as usual; any other name fails.
    LinkChecker's threads look for work every 0.05 s instead of every second.
    """
    folder = folder / "resolver"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(textwrap.dedent(f"""\
        import ipaddress, socket

        _resolve = socket.getaddrinfo
        NAMES = {names!r}

        def getaddrinfo(host, port, *args, **kwargs):
            if host in NAMES:
                return _resolve(*NAMES[host], *args, **kwargs)
            try:
                ipaddress.ip_address(str(host).strip("[]"))
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            return _resolve(host, port, *args, **kwargs)

        socket.getaddrinfo = getaddrinfo

        # LinkChecker's threads look for work once a second, and it ends only
        # once each has looked again: on these few pages, most of a run. They
        # look more often here; what they check and report is the same.
        import linkcheck.director.checker
        linkcheck.director.checker.QUEUE_POLL_INTERVALL_SECS = 0.05
    """), encoding="utf-8")
    return {**os.environ, "PYTHONPATH": str(folder)}


@pytest.fixture(scope="module")
def builddir(tmp_path_factory):
    """The tiny project, built once: a notice citing one processor, and the processors page."""
    source = write_project(tmp_path_factory.mktemp("linkcheck") / "source", {
        "_data/navigation.yaml": NAVIGATION,
        "_data/processors.yaml": REGISTRY,
        "index.md": "# Home\n\n```{site-map}\n```\n",
        "example/Notice.md": NOTICE,
        "Third-Party-Processors.md": (
            "---\nkind: site\n---\n\n# Third-party processors\n\n```{processor-table}\n```\n"
        ),
    })
    folder = readable_folder()
    # Without the notice's PDF: rendering it is the PDF tests' business.
    build = sphinx_build(source, folder / "html", "dirhtml")
    assert build.returncode == 0, build.output
    yield folder
    shutil.rmtree(folder)


def write_pages(folder: Path, pages: dict[str, str]) -> Path:
    """A site of hand-written *pages* in *folder*: its build folder."""
    for name, text in {"processors.json": '{"processors": []}', **pages}.items():
        (folder / "html" / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / "html" / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def written_site():
    """A site of hand-written pages, ``written_site({"index.html": ...})``: its build folder."""
    folder = readable_folder()
    yield lambda pages: write_pages(folder, pages)
    shutil.rmtree(folder)


def run_tool(builddir: Path, *args: str, names: dict | None = None):
    """`python -m tools.linkcheck --no-build` over *builddir*, the resolver knowing only *names*."""
    env = resolver(builddir, names or {})
    return subprocess.run(
        [sys.executable, "-m", "tools.linkcheck", "--no-build", "--builddir",
         str(builddir), *args],
        capture_output=True, text=True, check=False, timeout=120, env=env, cwd=ROOT,
    )


def run_linkcheck(builddir: Path, internet: HTTPServer, names: list[str]):
    """The check of the built tiny project, *names* leading to the test server."""
    port = internet.port
    return run_tool(builddir, "--ca-bundle", str(internet.ca_file), "--allow",
                    f"127.0.0.1:{port}", "--timeout", "5", *IGNORE,
                    names={name: ("127.0.0.1", port) for name in names})


def serve(server: HTTPServer, answers: dict[str, Response | str]) -> None:
    server.clear()
    for path, answer in answers.items():
        if isinstance(answer, str):
            answer = Response(answer)
        # LinkChecker spaces requests to one host 0.1-0.6 s apart unless the
        # host sends this header, as the site's own server does: on a run of a
        # few links, most of its time. What it checks and reports is the same.
        answer.headers["LinkChecker"] = "test server"
        server.expect_request(path).respond_with_response(answer)


def redirect(location: str, status: int = 302) -> Response:
    return Response(status=status, headers={"Location": location})


def report(builddir: Path) -> str:
    return (builddir / "linkcheck/report.txt").read_text(encoding="utf-8")


# -- the whole check ------------------------------------------------------------------------

def test_a_processor_url_gone_404_turns_the_check_red_then_fixed_green(builddir, internet):
    serve(internet, {"/terms": "the terms", "/privacy": Response("gone", status=404)})
    red = run_linkcheck(builddir, internet, [NAME])
    privacy_url = f"https://{NAME}/privacy"
    assert red.returncode == 1, red.stdout + red.stderr
    assert f"linkcheck: error: broken: {privacy_url}: 404 NOT FOUND" in red.stderr
    assert "processor example (Example privacy policy), cited by Example Notice" in red.stderr
    text = report(builddir)
    # LinkChecker reports a URL once, from the first page it found it on.
    assert f"BROKEN      {privacy_url}\n            404 NOT FOUND\n" in text, text
    assert "found on /" in text.split(privacy_url)[1].split("OK")[0]
    assert f"OK          https://{NAME}/terms\n" in text
    # The site's own pages and anchors are checked too, and pass.
    assert "OK          /example/Notice/#2-use-of-third-party-services\n" in text
    assert "mailto:" not in text  # never resolved
    issue = (builddir / "linkcheck/issue.md").read_text(encoding="utf-8")
    assert f"| Example (`example`) | Privacy Policy | {privacy_url} | 404 NOT FOUND" in issue
    assert "Example Notice (`example/Notice/#2-use-of-third-party-services`)" in issue

    serve(internet, {"/terms": "the terms", "/privacy": "our policy"})
    green = run_linkcheck(builddir, internet, [NAME])
    assert green.returncode == 0, green.stdout + green.stderr
    assert "0 broken, 0 unverified" in report(builddir)
    assert not (builddir / "linkcheck/issue.md").exists()


def test_a_redirect_to_the_home_page_or_a_login_page_is_broken(builddir, internet):
    serve(internet, {
        "/terms": redirect("/"),
        "/": "welcome",
        "/privacy": redirect("/account/login?next=/privacy"),
        "/account/login": "sign in",
    })
    run = run_linkcheck(builddir, internet, [NAME])
    assert run.returncode == 1, run.stdout + run.stderr
    text = report(builddir)
    assert f"BROKEN      https://{NAME}/terms\n            redirects to the site's home page" in text
    assert f"BROKEN      https://{NAME}/privacy\n            redirects to a login page" in text
    issue = (builddir / "linkcheck/issue.md").read_text(encoding="utf-8")
    assert issue.count("| Example (`example`) |") == 2
    # LinkChecker alone passes both: a redirect that ends in a 200 is valid to it.
    rows = linkcheck_report.csv_rows((builddir / "linkcheck/linkchecker.csv").read_text("utf-8"))
    assert {row["valid"] for row in rows if row["urlname"].startswith(f"https://{NAME}/")} == {
        "True"}


def test_no_network_is_one_line_its_own_exit_status_and_no_issue(builddir, internet):
    (builddir / "linkcheck").mkdir(exist_ok=True)
    (builddir / "linkcheck/issue.md").write_text("from an earlier run")
    offline = run_linkcheck(builddir, internet, [])  # the resolver fails every name
    assert offline.returncode == linkcheck.NO_NETWORK == 3
    assert (offline.stdout, offline.stderr) == ("", "linkcheck: no network: nothing was checked\n")
    assert "no network: nothing was checked" in report(builddir)
    assert not (builddir / "linkcheck/issue.md").exists()


def test_no_built_site_or_one_that_does_not_build_is_a_clear_error(tmp_path, capsys):
    assert linkcheck.main(["--no-build", "--builddir", str(tmp_path)]) == 2
    assert f"linkcheck: no built site in {tmp_path / 'html'}; run `make html`" in (
        capsys.readouterr().err)
    missing = tmp_path / "no-source"
    assert linkcheck.main(["--source", str(missing), "--builddir", str(tmp_path)]) == 2
    assert "linkcheck: the site does not build; run `make html` to see why" in (
        capsys.readouterr().err)
    assert not (tmp_path / "linkcheck/issue.md").exists()


# -- the address guard ----------------------------------------------------------------------

HOSTILE = """\
<a href="https://{name}/to-loopback">another port of this machine</a>
<a href="https://{name}/to-private">a private address</a>
<a href="https://rebind.example.com/">a public name for 127.0.0.1</a>
<a href="http://169.254.169.254/latest/meta-data/">link-local</a>
<a href="https://ipv6.example.com/">a public name for ::1</a>
<a href="https://{name}/fine">a public page</a>
<a href="https://gone.example.com/">a name that does not resolve</a>
"""


# The site's own links, beside: a fragment its page has, one it has not, and
# an address LinkChecker does not open.
OWN_LINKS = """\
<a href="page.html#there">here</a> <a href="page.html#nowhere">lost</a>
<a href="ftp://files.example.com/x">ftp</a>
"""


@pytest.fixture(scope="module")
def hand_written_site(internet):
    """Hand-written pages holding HOSTILE and OWN_LINKS, checked once, with another
    service listening on this machine; (the run, its report, what that service was asked)."""
    folder = readable_folder()
    write_pages(folder, {"index.html": HOSTILE.format(name=NAME) + OWN_LINKS,
                         "page.html": '<p id="there">the fragment</p>'})
    other = HTTPServer(host="127.0.0.1", port=0)  # another service on this machine
    other.start()
    serve(internet, {
        "/to-loopback": redirect(f"http://127.0.0.1:{other.port}/secret"),
        "/to-private": redirect("http://10.20.30.40/admin"),
        "/fine": "a page",
    })
    try:
        run = run_tool(
            folder, "--ca-bundle", str(internet.ca_file), "--allow",
            f"127.0.0.1:{internet.port}", "--timeout", "5",
            names={NAME: ("127.0.0.1", internet.port),
                   "rebind.example.com": ("127.0.0.1", other.port),
                   "ipv6.example.com": ("::1", other.port)},
        )
    finally:
        other.stop()
    yield run, report(folder), other.log
    shutil.rmtree(folder)


def test_the_checker_never_connects_to_a_loopback_private_or_link_local_address(
    hand_written_site
):
    run, text, asked = hand_written_site
    assert run.returncode == 1, run.stdout + run.stderr
    assert asked == []  # not one request reached the other service
    for url, blocked in [
        (f"https://{NAME}/to-loopback", "127.0.0.1, not a public address"),
        (f"https://{NAME}/to-private", "10.20.30.40, not a public address"),
        ("https://rebind.example.com/", "rebind.example.com is 127.0.0.1, not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254, not a public address"),
        ("https://ipv6.example.com/", "ipv6.example.com is ::1, not a public address"),
    ]:
        assert f"BROKEN      {url}\n            AddressBlocked: " in text, text
        assert blocked in text.split(f"BROKEN      {url}\n", 1)[1].splitlines()[0]
    assert f"OK          https://{NAME}/fine\n" in text
    # One name that does not resolve is a broken link, not a missing network.
    assert "BROKEN      https://gone.example.com/\n            NameNotResolved: gone.example.com" in text


def fake_resolver(monkeypatch, names: dict[str, str]) -> None:
    """This process resolves *names* (name -> address) and nothing else."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(names[host], port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def get(url: str) -> requests.Response:
    with requests.Session() as session:
        session.trust_env = False  # no proxy: connect as the checker does
        return session.get(url, timeout=5)


def test_a_public_name_resolving_to_127_0_0_1_is_not_connected_to(monkeypatch, httpserver):
    httpserver.expect_request("/").respond_with_data("a local service")
    fake_resolver(monkeypatch, {"public.example.com": "127.0.0.1"})
    address_guard.install(allowed=set())
    with pytest.raises(address_guard.AddressBlocked, match="public.example.com is 127.0.0.1"):
        get(f"http://public.example.com:{httpserver.port}/")
    assert httpserver.log == []


def test_the_allowed_address_is_connected_to(monkeypatch, httpserver):
    httpserver.expect_request("/").respond_with_data("the built site")
    fake_resolver(monkeypatch, {"public.example.com": "127.0.0.1"})
    address_guard.install(allowed={("127.0.0.1", httpserver.port)})
    assert get(f"http://public.example.com:{httpserver.port}/").text == "the built site"
    with pytest.raises(address_guard.NameNotResolved, match="elsewhere.example.com"):
        get(f"http://elsewhere.example.com:{httpserver.port}/")


@pytest.mark.parametrize(
    ("address", "public"),
    [("93.184.215.14", True), ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
     ("127.0.0.1", False), ("127.1.2.3", False), ("10.0.0.1", False), ("172.16.5.4", False),
     ("192.168.1.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
     ("0.0.0.0", False), ("::1", False), ("fe80::1%eth0", False), ("fd00::1", False),
     ("::ffff:127.0.0.1", False), ("::ffff:93.184.215.14", True), ("224.0.0.1", False),
     ("::ffff:7f00:1", False), ("[::1]", False)],
)
def test_public_addresses(address, public):
    assert address_guard.is_public(address) is public


# -- the hard cap ---------------------------------------------------------------------------

CAP_SECONDS = 30


def stopped_once_reported(url: str, stopped: list):
    """``subprocess.run`` as the cap stops LinkChecker, the moment an event, not a clock:
    once LinkChecker has reported *url*, while it is still running, it is killed and
    what it wrote is handed back in ``TimeoutExpired``, as ``run(timeout=...)`` does."""

    def run(command, *, timeout, **options):
        assert timeout <= CAP_SECONDS - 1  # the cap, a second left for the report
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        written = b""
        with process:
            for line in process.stdout:
                written += line
                if url in line.decode("utf-8"):
                    break
            stopped.append(process.poll() is None)  # still at work: the cap is what stops it
            process.kill()
        raise subprocess.TimeoutExpired(command, timeout, output=written)

    return run


def test_the_run_stops_at_its_cap_when_a_host_never_answers(written_site, monkeypatch, capsys):
    silent = socket.socket()  # accepts connections, never says a word
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    port = silent.getsockname()[1]
    builddir = written_site({
        "index.html": f'<a href="page.html">a page</a> <a href="http://127.0.0.1:{port}/">x</a>',
        "page.html": "<p>here</p>",
    })
    stopped = []
    monkeypatch.setattr(subprocess, "run", stopped_once_reported("/page.html", stopped))
    try:
        linkcheck.main(["--no-build", "--builddir", str(builddir), "--allow",
                        f"127.0.0.1:{port}", "--timeout", "60", "--max-seconds", str(CAP_SECONDS)])
    finally:
        silent.close()
    err = capsys.readouterr().err
    assert stopped == [True]
    text = report(builddir)
    assert "OK          /page.html\n" in text, err  # reported before the cap
    assert "note: the run reached its cap" in text, err
    assert f"linkcheck: warning: the run reached its cap of {CAP_SECONDS} s" in err
    assert f"127.0.0.1:{port}" not in text  # not checked, so not reported as working


# -- the site's own links -------------------------------------------------------------------

def test_a_missing_fragment_on_the_site_is_broken(hand_written_site):
    run, text, _ = hand_written_site
    assert run.returncode == 1, run.stdout + run.stderr
    assert "BROKEN      /page.html#nowhere\n            Anchor `nowhere'" in text, text
    assert "OK          /page.html#there\n" in text
    # Never opened: LinkChecker follows http and https only.
    assert ("UNVERIFIED  ftp://files.example.com/x\n"
            "            not checked: only http and https links are followed") in text


# -- the real site --------------------------------------------------------------------------

def test_the_processors_page_links_every_processor_url(site):
    """LinkChecker checks the processor URLs because this page links each of them."""
    urls = linkcheck_report.processor_urls(site.outdir / "processors.json")
    page = BeautifulSoup(site.page("Third-Party-Processors"), "html.parser")
    links = {a["href"] for a in page.select("a[href]")}
    assert urls
    assert set(urls) <= links


# -- reading LinkChecker's report -----------------------------------------------------------

PAGE = "https://example.com/legal/dpa/"


@pytest.mark.parametrize(
    ("item", "status", "detail"),
    [
        ({"result": "200 OK", "valid": "True"}, "ok", "200 OK"),
        ({"result": "404 Not Found", "valid": "False"}, "broken", "404 Not Found"),
        ({"result": "403 Forbidden", "valid": "False"}, "unverified", "403 Forbidden: a login"),
        ({"result": "ReadTimeout: HTTPSConnectionPool(host='x', port=443): Read timed out.",
          "valid": "False"}, "unverified", "no answer within the timeout"),
        ({"result": "429 Too Many Requests", "valid": "True"}, "unverified", "429"),
        ({"result": "syntax OK", "valid": "True",
          "infostring": "Access denied by robots.txt, checked only syntax."},
         "unverified", "its robots.txt forbids"),
        ({"result": "200 OK", "valid": "True",
          "warningstring": "Anchor `nowhere' (decoded: `nowhere') not found."},
         "broken", "Anchor `nowhere'"),
        ({"result": "200 OK", "valid": "True", "url": "https://example.com/legal/terms/",
          "warningstring": "Redirected to `https://example.com/legal/terms/' status: 301 Moved "
                           "Permanently."},
         "redirected", "301 permanent to https://example.com/legal/terms/"),
        ({"result": "200 OK", "valid": "True", "url": "https://example.com/",
          "warningstring": "Redirected to `https://example.com/' status: 302 Found."},
         "broken", "redirects to the site's home page https://example.com/"),
        ({"result": "200 OK", "valid": "True", "url": "https://example.com/sso/?next=x",
          "warningstring": "Redirected to `https://example.com/sso/?next=x' status: 302 Found."},
         "broken", "redirects to a login page"),
        ({"result": "ConnectionError: HTTPSConnectionPool(host='x', port=443): Max retries "
                    "exceeded with url: / (Caused by NewConnectionError('<urllib3.connection."
                    "HTTPSConnection object at 0x7f>: Failed to establish a new connection: "
                    "[Errno 111] Connection refused'))", "valid": "False"},
         "broken", "could not connect: Connection refused"),
        ({"result": "ConnectionError: HTTPSConnectionPool(host='x', port=443): Max retries "
                    "exceeded with url: /a/long/path (Caused by SSLError(SSLCertVerificationError"
                    "(1, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                    "self-signed certificate (_ssl.c:1006)')))", "valid": "False"},
         "broken", "TLS failed: certificate self-signed certificate"),
        ({"result": "ConnectionError: a message LinkChecker cut in the middle of a wo...",
          "valid": "False"}, "broken", ("ConnectionError: a message LinkChecker cut in the "
                                       "middle of a …")),
    ],
)
def test_each_answer_is_classified(item, status, detail):
    got = linkcheck_report.classify(PAGE, item)
    assert got[0] == status
    assert got[1].startswith(detail)


def test_a_redirect_within_a_site_or_from_its_home_page_is_no_soft_404():
    assert linkcheck_report.soft_404(PAGE, "https://example.com/legal/dpa-2024/") is None
    assert linkcheck_report.soft_404("https://example.com/", "https://www.example.com/") is None
    assert linkcheck_report.soft_404("https://example.com/login/", "https://example.com/auth/") is None


def rows(*results: tuple[str, str]) -> list[linkcheck_report.Row]:
    site = "http://127.0.0.1:8000/"
    items = [{"urlname": site, "parentname": "", "result": "200 OK", "valid": "True"}]
    items += [{"urlname": url, "parentname": site, "result": result, "valid": "False"}
              for url, result in results]
    return linkcheck_report.report_rows(site, items, {})


NOT_FOUND = "NameNotResolved: a.example.com: Name or service not known"


def test_no_network_is_told_from_a_few_dead_links():
    refused = "ConnectionError: ... (Caused by NewConnectionError('<...>: Failed to establish"
    assert linkcheck_report.no_network(rows(("https://a.example.com/", NOT_FOUND),
                                     ("https://b.example.com/", refused)))
    # One host answered: the others are broken links, not a missing network.
    assert not linkcheck_report.no_network(rows(("https://a.example.com/", NOT_FOUND),
                                         ("https://b.example.com/", "404 Not Found")))
    # Blocked by the guard: not a sign of the network either way.
    blocked = "AddressBlocked: 10.0.0.1, not a public address: not connected"
    assert not linkcheck_report.no_network(rows(("http://10.0.0.1/", blocked)))
    # Nothing links off the site: nothing to tell.
    assert not linkcheck_report.no_network(rows())


def test_a_processor_url_no_page_links_is_reported_unchecked():
    processor = {"id": "x", "name": "X", "field": "terms", "label": "Terms", "cited_by": []}
    rows = linkcheck_report.report_rows(
        "http://127.0.0.1:8000/",
        [{"urlname": "http://127.0.0.1:8000/", "parentname": "", "result": "200 OK",
          "valid": "True"}],
        {"https://x.example.com/terms": processor},
    )
    row = next(row for row in rows if row.processor)
    assert (row.url, row.status, row.processor) == ("https://x.example.com/terms", "unverified",
                                                   processor)
    assert row.detail.startswith("not checked")
