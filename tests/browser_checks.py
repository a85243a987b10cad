"""What a reader's browser sees, as checks on an open Playwright page.

Each check returns a list of problems, one readable line each, empty when
the page passes. ``test_browser.py`` runs them over every page of the real
site; ``test_browser_checks.py`` proves each one fails on a page made bad.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit, urlunsplit

from axe_playwright_python.sync_playwright import Axe

from tools.site_browser import wait_for_search_results

# axe-core rule sets: WCAG 2.0 and 2.1, levels A and AA, and Deque's best
# practices. No rule is switched off.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
# Resource hints open connections without a request the page could be caught by.
RESOURCE_HINTS = ("preconnect", "dns-prefetch", "preload", "prefetch", "prerender")
# Enough Tab presses to pass every control of the largest page.
MAX_TAB_STOPS = 200

_axe = Axe()

# A short description of an element for messages: <a.reference "Contributing">.
_DESCRIBE = """
(element) => {
  if (!element || element === document.body) return null;
  const classes = [...element.classList].slice(0, 2).map((c) => "." + c).join("");
  const text = (element.getAttribute("aria-label") || element.textContent || "")
    .trim().replace(/\\s+/g, " ").slice(0, 40);
  return `<${element.tagName.toLowerCase()}${classes} "${text}">`;
}
"""

# Whether the focused element is in sight and draws a focus indicator: an
# outline or box shadow on itself or, when it is drawn invisibly (a styled
# checkbox), on one of its labels.
# The element's description and whether it was focused before are part of
# the answer, so a Tab stop costs one round trip.
_FOCUS_STATE = """
() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  window.__focusStops = window.__focusStops || new WeakSet();
  const again = window.__focusStops.has(element);
  window.__focusStops.add(element);
  const rect = element.getBoundingClientRect();
  const inSight = rect.width > 0 && rect.height > 0 && rect.bottom > 0 && rect.right > 0
    && rect.top < innerHeight && rect.left < innerWidth;
  const marked = (node) => {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return outline || style.boxShadow !== "none";
  };
  let opacity = 1;
  for (let node = element; node instanceof Element; node = node.parentElement) {
    opacity *= parseFloat(getComputedStyle(node).opacity);
  }
  const drawn = opacity > 0 && rect.width > 1 && rect.height > 1;
  const labels = [...(element.labels || [])];
  const indicated = drawn ? marked(element) : labels.some(marked);
  const labelInSight = labels.some((label) => {
    const r = label.getBoundingClientRect();
    return r.width > 0 && r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth;
  });
  const name = (%s)(element);
  return {name, again, inSight: drawn ? inSight : labelInSight, indicated};
}
""" % _DESCRIBE

# Elements that start inside the viewport and run past its right edge (cut
# off or scrolled to), unless a box of their own that scrolls sideways holds
# them (a wide table may scroll; that box is checked itself).
_OVERFLOW = """
() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the page is ${document.documentElement.scrollWidth}px wide`);
  }
  const contained = (element) => {
    for (let node = element.parentElement; node && node !== document.body;
         node = node.parentElement) {
      if (["auto", "scroll"].includes(getComputedStyle(node).overflowX)) return true;
    }
    return false;
  };
  for (const element of document.body.querySelectorAll("*")) {
    const rect = element.getBoundingClientRect();
    if (rect.width === 0 || rect.left >= width || rect.right <= width + 1) continue;
    if (rect.left < 0 || contained(element)) continue;
    const style = getComputedStyle(element);
    if (style.position === "fixed" || style.visibility === "hidden") continue;
    found.push(`${element.tagName.toLowerCase()}.${[...element.classList].join(".")} `
      + `reaches ${Math.round(rect.right)}px`);
  }
  return found;
}
"""

# Links and ids of the page, links resolved against the page's address.
_ANCHORS = """
(hints) => ({
  ids: [...document.querySelectorAll("[id]")].map((element) => element.id)
    .concat([...document.querySelectorAll("a[name]")].map((element) => element.name)),
  links: [...document.querySelectorAll("a[href], link[href], area[href]")]
    .filter((element) => element.tagName !== "LINK"
      || !element.relList.contains("canonical"))
    .map((element) => element.href),
  hints: [...document.querySelectorAll("link[rel]")]
    .filter((element) => hints.some((hint) => element.relList.contains(hint)))
    .map((element) => element.href),
})
"""


@dataclass
class PageAnchors:
    """The ids a page holds and the addresses it links to."""

    url: str
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)


def anchors(page) -> PageAnchors:
    found = page.evaluate(_ANCHORS, list(RESOURCE_HINTS))
    return PageAnchors(page.url, set(found["ids"]), found["links"], found["hints"])


def off_site_hints(found: PageAnchors, base_url: str) -> list[str]:
    """Resource hints (preconnect, preload …) for any host but the site's."""
    return [f"resource hint for {url}" for url in found.hints if not url.startswith(base_url)]


def axe_violations(page) -> list[str]:
    """axe-core's violations of the WCAG 2.1 A/AA and best-practice rules."""
    # Only violations are reported: axe then skips recording the details of
    # every element that passed, which is most of its time on a page.
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS},
                                      "resultTypes": ["violations"]})
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results.response["violations"]
    ]


def horizontal_overflow(page) -> list[str]:
    """Content wider than the viewport: the reader would scroll sideways or lose it."""
    return page.evaluate(_OVERFLOW)


def _focus_state(page) -> dict | None:
    state = page.evaluate(_FOCUS_STATE)
    if state is None or state["inSight"]:
        return state
    # Drawers slide in: judged once motion has ended.
    _wait_for_stillness(page)
    return {**page.evaluate(_FOCUS_STATE), "again": state["again"]}


# True once the focused element is in sight, or once nothing has moved for ten
# frames running: no animation or transition runs, and the element, the page's
# scroll position and its address are as they were a frame before. Frames, not
# time: a busy machine draws them later, and a smooth scroll still moves
# between two of them.
_STILL = """() => {
  const e = document.activeElement, r = e.getBoundingClientRect();
  if (r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth) return true;
  const now = [r.top, r.left, r.width, r.height, scrollX, scrollY, location.href].join();
  const still = now === window.__lastFrame
    && document.getAnimations().every((a) => a.playState !== "running");
  window.__stillFrames = still ? (window.__stillFrames || 0) + 1 : 0;
  window.__lastFrame = now;
  return window.__stillFrames >= 10;
}"""


def _wait_for_stillness(page) -> None:
    page.evaluate("delete window.__lastFrame; delete window.__stillFrames")
    page.wait_for_function(_STILL, polling="raf", timeout=60_000)


# furo scrolls smoothly (`scroll-behavior: smooth`), so a focused element comes
# into sight over frames that a busy machine's compositor may draw after the
# page has looked still: scrolled at once instead, where focus lands is judged
# the moment it lands. Set through the CSSOM, which the site's
# Content-Security-Policy allows, as it would not a <style> added to the page.
_INSTANT_SCROLL = """() => {
  for (const e of [document.documentElement, ...document.querySelectorAll("*")]) {
    if (getComputedStyle(e).scrollBehavior === "smooth")
      e.style.setProperty("scroll-behavior", "auto", "important");
  }
}"""


def focus_problems(page) -> list[str]:
    """Tab through the page: every stop must be in sight and visibly focused."""
    page.evaluate(_INSTANT_SCROLL)
    problems, stops = [], 0
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        state = _focus_state(page)
        if state is None or state["again"]:
            break  # focus left the page or came round again
        stops += 1
        if not state["inSight"]:
            problems.append(f"{state['name']} takes focus out of sight")
        elif not state["indicated"]:
            problems.append(f"{state['name']} shows no focus indicator")
    if not stops:
        problems.append("no element takes keyboard focus")
    return problems


def skip_link_problems(page) -> list[str]:
    """The first Tab stop is a visible skip link that moves focus to the content."""
    page.keyboard.press("Tab")
    link = page.evaluate_handle("document.activeElement")
    text = link.evaluate("(e) => e.textContent.trim()")
    href = link.evaluate("(e) => e.getAttribute('href') || ''")
    if not text.lower().startswith("skip to") or not href.startswith("#"):
        name = link.evaluate(_DESCRIBE)
        return [f"the first Tab stop is {name}, not a skip link"]
    problems = []
    state = _focus_state(page)
    if not (state and state["inSight"] and state["indicated"]):
        problems.append("the skip link is not visible when focused")
    target = page.evaluate("(id) => document.getElementById(id) !== null", href[1:])
    if not target:
        return [*problems, f"the skip link's target {href} does not exist"]
    page.keyboard.press("Enter")
    _wait_for_stillness(page)
    if page.evaluate("location.hash") != href:
        problems.append(f"following the skip link did not go to {href}")
    has_control = page.evaluate(
        """(id) => [...document.getElementById(id).querySelectorAll(
             "a[href], button, input, select, textarea, [tabindex]")]
           .some((e) => e.tabIndex >= 0 && !e.disabled
                 && e.checkVisibility({visibilityProperty: true}))""",
        href[1:],
    )
    if has_control:
        page.keyboard.press("Tab")
        inside = page.evaluate(
            "(id) => document.getElementById(id).contains(document.activeElement)", href[1:]
        )
        if not inside:
            problems.append(f"after the skip link, Tab does not continue inside {href}")
    return problems


def broken_links(pages: dict[str, PageAnchors], base_url: str, status_of) -> list[str]:
    """Links to the site that lead nowhere: a missing page or a missing #fragment.

    *pages* maps each visited page's URL to its anchors; *status_of(url)* gives
    the HTTP status of an address that is not one of them.
    """
    problems = []
    for url, found in pages.items():
        for link in found.links:
            if not link.startswith(base_url):
                continue
            target, fragment = urldefrag(link)
            target = urlunsplit(urlsplit(target)._replace(query=""))  # a query picks no page
            if target in pages:
                if fragment and fragment not in pages[target].ids:
                    problems.append(f"{url} links to {link}: no element has id {fragment!r}")
                continue
            status = status_of(target)
            if status != 200:
                problems.append(f"{url} links to {link}: HTTP {status}")
            elif fragment:
                problems.append(f"{url} links to {link}: a fragment of an unchecked page")
    return problems


def search_results(page, phrase: str, field: str = "input.sidebar-search") -> list[str]:
    """Type *phrase* in the search *field* (the sidebar's); the result links' addresses."""
    field_ = page.locator(field)
    field_.fill(phrase)
    field_.press("Enter")
    wait_for_search_results(page)
    return page.eval_on_selector_all(
        "#search-results ul.search li a", "(links) => links.map((a) => a.href)"
    )
