"""The python.org Privacy Notice reads word for word as its source of record.

The reference is the live site's rendering (tests/data), which lost the word
"python.org" in eight places and carried three typos. Those corrections are
applied here, each exactly once, and then every sentence and list item must
be on the built page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

LIVE = Path(__file__).parent / "data" / "live-python.org-Privacy-Notice.md"
PAGE = "python.org/Privacy-Notice"

# Where the old renderer ate "<python.org>": (text on the live site, restored text).
RESTORED = [
    ("collects from users", "collects from python.org users"),
    ("which also applies to users", "which also applies to python.org users"),
    ("information from users:", "information from python.org users:"),
    ("services supporting .", "services supporting python.org."),
    ("Fastly to host the website", "Fastly to host the python.org website"),
    ("error information from the website", "error information from the python.org website"),
    ("To provide the website to you", "To provide the python.org website to you"),
    ("improve the PSF and , including", "improve the PSF and python.org, including"),
]
EDITORIAL = [
    ("ther servers", "their servers"),
    ("PSF asnd the", "PSF and the"),
    ("AWS Privacy Notice (https://aws.amazon.com/privacy/).]", "AWS Privacy Notice."),
]


def markdown_to_text(markdown: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)  # links -> their text
    text = text.replace("**", "")
    return re.sub(r"\\(.)", r"\1", text)  # Markdown escapes


def live_notice_text() -> str:
    """The notice body on the live site: from its heading to the final date."""
    lines = LIVE.read_text(encoding="utf-8").splitlines()
    start = lines.index("Python.org Privacy Notice")
    end = max(i for i, line in enumerate(lines) if line.strip() == "October 4, 2024")
    body = [line for line in lines[start:end + 1] if not set(line.strip()) <= set("=-")]
    return markdown_to_text("\n".join(body))


def corrected_notice_text() -> str:
    text = live_notice_text()
    for before, after in RESTORED + EDITORIAL:
        assert text.count(before) == 1, f"{before!r} should occur once on the live page"
        text = text.replace(before, after)
    return text


def expected_units() -> list[str]:
    """Each sentence and list item of the corrected notice, whitespace folded."""
    units = []
    for block in corrected_notice_text().split("\n"):
        block = " ".join(block.lstrip("* ").split())
        if block:
            units.extend(re.split(r"(?<=[.:])\s+(?=[A-Z])", block))
    return units


def page_text(html: str) -> str:
    article = BeautifulSoup(html, "html.parser").find("article")
    for permalink in article.select("a.headerlink"):
        permalink.decompose()
    return " ".join(article.get_text(" ").split()).replace(" .", ".").replace(" ,", ",")


def test_reference_has_what_the_corrections_expect():
    units = expected_units()
    assert units[0] == "Python.org Privacy Notice"
    assert units[-1] == "October 4, 2024"
    assert len(units) > 40


@pytest.mark.parametrize("unit", expected_units())
def test_every_sentence_and_list_item_is_on_the_page(site, unit):
    assert unit in page_text(site.page(PAGE))


@pytest.mark.parametrize("restored", [after for _, after in RESTORED])
def test_python_org_restored(site, restored):
    assert restored in page_text(site.page(PAGE))


def test_python_org_count(site):
    # 8 restored places, plus the title's "Python.org".
    text = page_text(site.page(PAGE)).split("Changes to this notice")[0]
    assert text.count("python.org") == 8
    assert text.count("Python.org") == 1


def test_editorial_fixes(site):
    text = page_text(site.page(PAGE)).split("Changes to this notice")[0]
    for typo in (r"\bther\b", r"\basnd\b", r"\]", r"\(https://"):
        assert not re.search(typo, text)


def test_aws_privacy_notice_is_a_link(site):
    soup = BeautifulSoup(site.page(PAGE), "html.parser")
    link = soup.find("a", href="https://aws.amazon.com/privacy/")
    assert link is not None and link.get_text() == "Privacy Notice"


def test_psf_privacy_notice_link(site):
    soup = BeautifulSoup(site.page(PAGE), "html.parser")
    link = soup.find("a", string="PSF Privacy Notice", href=True, class_="reference")
    assert link["href"] == "https://policies.python.org/PSF-Privacy-Notice/"


def test_processor_links(site):
    live = LIVE.read_text(encoding="utf-8")
    body = live[live.rindex("2\\. USE OF THIRD PARTY SERVICES"):live.rindex("3\\. HOW DO WE")]
    processor_links = set(re.findall(r"\]\((https://[^)]+)\)", body))
    assert len(processor_links) == 9
    soup = BeautifulSoup(site.page(PAGE), "html.parser")
    hrefs = {a["href"] for a in soup.find("article").find_all("a", href=True)}
    assert processor_links | {"https://aws.amazon.com/privacy/"} <= hrefs


@pytest.mark.parametrize(
    "fragment",
    [
        "pythonorg-privacy-notice",
        "1-information-we-collect",
        "2-use-of-third-party-services",
        "3-how-do-we-use-the-personal-information-we-collect",
    ],
)
def test_live_site_fragments_exist(site, fragment):
    soup = BeautifulSoup(site.page(PAGE), "html.parser")
    assert soup.find(id=fragment) is not None


def test_last_updated_date(site):
    soup = BeautifulSoup(site.page(PAGE), "html.parser")
    last_updated = soup.select_one("article .last-updated")
    assert " ".join(last_updated.get_text().split()) == "Last updated October 4, 2024"
    # Under the title, as on the live site.
    assert last_updated.find_previous_sibling("h1").get_text().startswith("Python.org Privacy Notice")


def test_change_history_rendered(site):
    soup = BeautifulSoup(site.page(PAGE), "html.parser")
    history = soup.find(id="changes-to-this-notice")
    items = [" ".join(li.get_text().split()) for li in history.select("li")]
    assert items[0].startswith("November 29, 2026 (editorial): Restored")
    assert items[-1].startswith("October 4, 2024 (material)")


def test_page_title(site):
    title = BeautifulSoup(site.page(PAGE), "html.parser").title.get_text()
    assert title == "Python.org Privacy Notice — Python Software Foundation Policies"


def test_headings_are_in_the_page_table_of_contents(site):
    soup = BeautifulSoup(site.page(PAGE), "html.parser")
    toc = [a["href"] for a in soup.select(".toc-tree a")]
    for section in ("information-we-collect", "use-of-third-party-services",
                    "changes-to-this-notice"):
        assert f"#{section}" in toc
