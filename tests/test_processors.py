"""The processor registry: the standard sentence, its errors, the processors
page and processors.json, on tiny projects and on the real site."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from policy_core import yamldata
from policy_core.processor_registry import load_registry
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER, Build, sphinx_build, write_project, navigation

ROOT = Path(__file__).resolve().parents[1]

# The processors, and the navigation the home page's site map and every page need.
EXTENSIONS = ["policy_sphinx_extensions.processors", "policy_sphinx_extensions.navigation"]

NAVIGATION = navigation(("Example Notice", "example/Notice"),
                        ("Third-party processors", "Third-Party-Processors"))

REGISTRY = """\
processors:
  - id: fastly
    name: Fastly
    terms:
      label: Data Processing Terms
      url: https://www.fastly.com/data-processing
    privacy:
      label: Privacy Policy
      url: https://www.fastly.com/privacy/
  - id: google
    name: Google
    service: Google Analytics
    terms:
      label: Google Ads Data Processing Terms
      url: https://privacy.google.com/businesses/processorterms/
    privacy:
      label: Privacy Policy
      url: https://policies.google.com/privacy
"""

NOTICE = NOTICE_FRONT_MATTER + """
# Example Notice

## 2. USE OF THIRD PARTY SERVICES

- {processor}`Fastly <fastly>` to host the website. Your information transits
  their servers. {processor-terms}`fastly`
"""

PROCESSORS_PAGE = """\
---
kind: site
---

# Third-party processors

```{processor-table}
```
"""

def files(overrides: dict[str, str] | None = None) -> dict[str, str]:
    base = {
        "_data/navigation.yaml": NAVIGATION,
        "_data/processors.yaml": REGISTRY,
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE,
        "Third-Party-Processors.md": PROCESSORS_PAGE,
    }
    base.update(overrides or {})
    return base


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Build:
    """The project of files() built once; the tests below only read it."""
    root = tmp_path_factory.mktemp("processors")
    build = sphinx_build(write_project(root / "source", files()), root / "out",
                         extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    return build


def section_two(html: str) -> BeautifulSoup:
    anchor = BeautifulSoup(html, "html.parser").find(id="2-use-of-third-party-services")
    return anchor if anchor.name == "section" else anchor.find_parent("section")


def test_the_notice_renders_the_standard_sentence_with_both_links(built):
    build = built
    section = section_two(build.page("example/Notice"))
    text = " ".join(section.find("li").get_text().split())
    assert text == (
        "Fastly to host the website. Your information transits their servers. Their use of "
        "this information is subject to the Data Processing Terms between Fastly and PSF "
        "and the Fastly Privacy Policy."
    )
    links = [(a.get_text(), a["href"]) for a in section.find("li").find_all("a")]
    assert links == [
        ("Fastly", "../../Third-Party-Processors/#processor-fastly"),
        ("Data Processing Terms", "https://www.fastly.com/data-processing"),
        ("Privacy Policy", "https://www.fastly.com/privacy/"),
    ]


def test_the_processors_page_lists_every_processor_and_who_cites_it(built):
    build = built
    page = BeautifulSoup(build.page("Third-Party-Processors"), "html.parser")
    fastly, google = page.find(id="processor-fastly"), page.find(id="processor-google")
    assert fastly.name == google.name == "tr"
    assert "Google (Google Analytics)" in " ".join(google.get_text().split())
    cited = fastly.find("a", string="Example Notice")
    assert cited["href"] == "../example/Notice/#2-use-of-third-party-services"
    assert "no notice yet" in google.get_text()
    assert page.find("a", string="processors.json")["href"] == "../processors.json"


def test_processors_json_matches_the_registry(built):
    build = built
    exported = json.loads((build.outdir / "processors.json").read_text(encoding="utf-8"))
    registry = yaml.safe_load(REGISTRY)["processors"]
    assert [p["id"] for p in exported["processors"]] == [p["id"] for p in registry]
    for entry, source in zip(exported["processors"], registry):
        assert entry["name"] == source["name"]
        assert entry["terms"] == source["terms"]
        assert entry["privacy"] == source["privacy"]
        assert entry["service"] == source.get("service")
        assert entry["page"] == f"Third-Party-Processors/#processor-{source['id']}"
    assert exported["processors"][0]["cited_by"] == [{
        "notice": "example/Notice",
        "title": "Example Notice",
        "url": "example/Notice/#2-use-of-third-party-services",
    }]
    assert exported["processors"][1]["cited_by"] == []


def registry_error(project, registry: str) -> str:
    build = project(files({"_data/processors.yaml": registry}), extensions=EXTENSIONS)
    assert build.returncode != 0, build.output
    return build.output


def test_an_entry_without_a_dpa_url_fails_the_build_with_file_and_line(project):
    broken = REGISTRY.replace("      url: https://www.fastly.com/data-processing\n", "")
    output = registry_error(project, broken)
    assert re.search(r"processors\.yaml:4: ERROR: processor 'fastly': 'terms' needs a 'url'", output)


def schema_error(tmp_path, registry: str) -> str:
    path = tmp_path / "processors.yaml"
    path.write_text(registry, encoding="utf-8")
    with pytest.raises(yamldata.DataError) as error:
        load_registry(path)
    return str(error.value)


def test_the_registry_as_written_loads(tmp_path):
    path = tmp_path / "processors.yaml"
    path.write_text(REGISTRY, encoding="utf-8")
    assert list(load_registry(path)) == ["fastly", "google"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("    terms:\n      label: Data Processing Terms\n"
          "      url: https://www.fastly.com/data-processing\n", ""),
         r"processors\.yaml:2: processor 'fastly': 'terms' is missing"),
        (("      label: Privacy Policy\n      url: https://www.fastly.com/privacy/\n",
          "      url: https://www.fastly.com/privacy/\n"),
         r"processors\.yaml:7: processor 'fastly': 'privacy' needs a 'label'"),
        (("https://www.fastly.com/privacy/", "ftp://www.fastly.com/privacy/"),
         r"processors\.yaml:9: processor 'fastly': 'privacy' URL 'ftp://[^']*' must be https://"),
        (("https://www.fastly.com/privacy/", "https:///privacy"),
         r"processors\.yaml:9: processor 'fastly': 'privacy' URL '[^']*' must be https:// with a host"),
        # Addresses inside a machine or its network: never published, never fetched.
        (("https://www.fastly.com/privacy/", "https://169.254.169.254/latest/meta-data/"),
         r"processors\.yaml:9: .* must name its host, not an IP address"),
        (("https://www.fastly.com/privacy/", "https://127.0.0.1/privacy"),
         r"processors\.yaml:9: .* must name its host, not an IP address"),
        (("https://www.fastly.com/privacy/", "https://[::1]/privacy"),
         r"processors\.yaml:9: .* must name its host, not an IP address"),
        # 127.0.0.1 in the other forms resolvers and browsers read as an address.
        *((("https://www.fastly.com/privacy/", f"https://{host}/privacy"),
           r"processors\.yaml:9: .* must name its host, not an IP address")
          for host in ("0x7f.1", "0177.0.0.1", "2130706433", "0x7f000001", "127.1",
                       "%31%32%37.0.0.1", "\uff11\uff12\uff17\u3002\uff10\u3002\uff10\u3002\uff11",
                       "127.0.0.1.", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:0:0:1]")),
        (("https://www.fastly.com/privacy/", "https://0x7f.1.2.3.4/privacy"),
         r"processors\.yaml:9: .* must name its host, not a number that is no address"),
        (("https://www.fastly.com/privacy/", "https://LocalHost./privacy"),
         r"processors\.yaml:9: .* must be on a public host name, not 'localhost'"),
        (("https://www.fastly.com/privacy/", "https://localhost/privacy"),
         r"processors\.yaml:9: .* must be on a public host name, not 'localhost'"),
        (("https://www.fastly.com/privacy/", "https://intranet/privacy"),
         r"processors\.yaml:9: .* must be on a public host name, not 'intranet'"),
        (("https://www.fastly.com/privacy/", "https://user:secret@www.fastly.com/privacy/"),
         r"processors\.yaml:9: .* may not hold a user name or password"),
        (("  - id: google", "  - id: fastly"),
         r"processors\.yaml:10: processor id 'fastly' is listed twice"),
        (("    name: Google\n", "    name: Google\n    owner: Alphabet\n"),
         r"processors\.yaml:12: unknown field 'owner'"),
        (("  - id: google", "  - id: Google Inc"), r"processors\.yaml:10: 'id' must be lowercase"),
        # A processor's links written once and repeated: refused, as any alias.
        (("    terms:\n      label: Data Processing Terms\n", "    terms: &terms\n"
          "      label: Data Processing Terms\n"),
         r"processors\.yaml:4: YAML anchors and aliases are not allowed: found an anchor"),
        (("    name: Google\n", ""), r"processors\.yaml:10: processor 'google': 'name' must be"),
        (("processors:", "processor:"), r"processors\.yaml:1: expected one field, 'processors'"),
    ],
)
def test_schema_errors_name_the_line(tmp_path, change, message):
    assert change[0] in REGISTRY
    assert re.search(message, schema_error(tmp_path, REGISTRY.replace(*change)))


@pytest.mark.parametrize("url", ["https://www.fastly.com/privacy/", "https://1.2.3.4.example/x",
                                 "https://cdn.0x7f.example/x", "https://127.example.org/x"])
def test_host_names_that_hold_numbers_are_names(tmp_path, url):
    path = tmp_path / "processors.yaml"
    path.write_text(REGISTRY.replace("https://www.fastly.com/privacy/", url), encoding="utf-8")
    assert load_registry(path)["fastly"].privacy.url == url


def test_citing_an_unknown_processor_fails_with_the_notice_file_and_line(project):
    notice = NOTICE.replace("{processor-terms}`fastly`", "{processor-terms}`fastlyy`")
    build = project(files({"example/Notice.md": notice}), extensions=EXTENSIONS)
    assert build.returncode != 0
    assert re.search(r"example/Notice\.md:13: ERROR: unknown processor 'fastlyy'", build.output), (
        build.output
    )


def test_linking_an_unknown_processor_name_fails_too(project):
    notice = NOTICE.replace("{processor}`Fastly <fastly>`", "{processor}`Fastly <fastli>`")
    build = project(files({"example/Notice.md": notice}), extensions=EXTENSIONS)
    assert build.returncode != 0
    assert re.search(r"example/Notice\.md:13: ERROR: unknown processor 'fastli'", build.output)


def test_processor_names_need_the_processors_page(project):
    project_files = files()
    del project_files["Third-Party-Processors.md"]
    project_files["_data/navigation.yaml"] = NAVIGATION.split("  - title: Third-party")[0]
    build = project(project_files, extensions=EXTENSIONS)
    assert build.returncode != 0
    assert "exactly one page must hold the processor-table directive, found 0" in build.output


def test_a_project_without_a_registry_builds(project):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": NOTICE.split("## 2.")[0]},
                    extensions=EXTENSIONS)
    assert build.returncode == 0, build.output


# -- the real site --------------------------------------------------------------------------

# Section 2 of the python.org Privacy Notice as the live site publishes it
# (the crawl in the seed), with the known corrections the notice records:
# "python.org" restored, the stray "]" removed, the AWS Privacy Notice linked.
SECTION_TWO = [
    ("Amazon Web Services (AWS) to host the PyCon US website. We store your registration "
     "information on AWS servers. Their use of this information is subject to the Data "
     "Processing Addendum between AWS and PSF and the AWS Privacy Notice.",
     [("Data Processing Addendum",
       "https://aws.amazon.com/blogs/security/aws-gdpr-data-processing-addendum/"),
      ("Privacy Notice", "https://aws.amazon.com/privacy/")]),
    ("Fastly to host the python.org website and services. Your information transits their "
     "servers. Their use of this information is subject to the Data Processing Terms between "
     "Fastly and PSF and the Fastly Privacy Policy.",
     [("Data Processing Terms", "https://www.fastly.com/data-processing"),
      ("Privacy Policy", "https://www.fastly.com/privacy/")]),
    ("Sentry to aggregate error information from the python.org website and services. Some "
     "personal information may be stored on their servers. Their use of this information is "
     "subject to the Data Processing Addendum between Sentry and PSF and the Sentry Privacy "
     "Policy.",
     [("Data Processing Addendum", "https://sentry.io/legal/dpa/"),
      ("Privacy Policy", "https://sentry.io/privacy/")]),
    ("Google Analytics to aggregate traffic analytics. Some personal information may be "
     "transited to their servers. Their use of this information is subject to the Google Ads "
     "Data Processing Terms between Google and PSF and the Google Privacy Policy.",
     [("Google Ads Data Processing Terms",
       "https://privacy.google.com/businesses/processorterms/"),
      ("Privacy Policy", "https://policies.google.com/privacy")]),
    ("Plausible to aggregate traffic analytics. Some personal information may be stored on "
     "their servers. Their use of this information is subject to the Plausible Analytics Data "
     "Processing Agreement between Plausible and PSF and the Plausible Privacy Policy.",
     [("Plausible Analytics Data Processing Agreement", "https://plausible.io/dpa"),
      ("Privacy Policy", "https://plausible.io/privacy")]),
]


def test_the_real_notice_reads_word_for_word_as_published(site):
    items = section_two(site.page("python.org/Privacy-Notice")).find_all("li")
    assert len(items) == len(SECTION_TWO)
    for item, (text, external_links) in zip(items, SECTION_TWO):
        assert " ".join(item.get_text().split()) == text
        links = item.find_all("a")
        assert links[0]["href"].startswith("../../Third-Party-Processors/#processor-")
        assert [(a.get_text(), a["href"]) for a in links[1:]] == external_links


def test_the_real_processors_json_matches_the_registry(site):
    exported = json.loads((site.outdir / "processors.json").read_text(encoding="utf-8"))
    registry = yaml.safe_load((ROOT / "source/_data/processors.yaml").read_text())["processors"]
    assert [(p["id"], p["terms"], p["privacy"]) for p in exported["processors"]] == [
        (p["id"], p["terms"], p["privacy"]) for p in registry
    ]
    assert {p["id"] for p in exported["processors"]} == {
        "aws", "fastly", "sentry", "google", "plausible"}
    for processor in exported["processors"]:
        assert [c["notice"] for c in processor["cited_by"]] == ["python.org/Privacy-Notice"]


def test_processors_page_is_rewritten_only_when_citations_or_titles_change(project):
    first = project(files(), extensions=EXTENSIONS)
    assert first.returncode == 0, first.output
    notice = first.outdir.parent / "source" / "example" / "Notice.md"
    page = first.outdir / "Third-Party-Processors" / "index.html"
    written = page.stat().st_mtime_ns

    def rebuild(text: str):
        notice.write_text(text, encoding="utf-8")
        build = sphinx_build(notice.parents[1], first.outdir, extensions=EXTENSIONS)
        assert build.returncode == 0, build.output
        return build

    # New wording, same citations: the processors page is not written again.
    build = rebuild(NOTICE + "\nMore text.\n")
    assert "More text." in build.page("example/Notice")
    assert page.stat().st_mtime_ns == written

    # A new citation, then a new title of the citing notice: the table shows each.
    citing_google = NOTICE + (
        "- {processor}`Google Analytics <google>` to count visits. {processor-terms}`google`\n"
    )
    build = rebuild(citing_google)
    row = BeautifulSoup(build.page("Third-Party-Processors"), "html.parser").find(
        id=re.compile("google")
    )
    assert "Example Notice" in row.get_text(), row
    build = rebuild(citing_google.replace("# Example Notice", "# Example Notice, Renamed"))
    assert "Example Notice, Renamed" in build.page("Third-Party-Processors")
