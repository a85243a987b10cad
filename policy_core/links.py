"""Where a page may link and what an id may be: the one set of rules every check asks.

A link is read as a browser reads it: the C0 controls and spaces around it
dropped, tabs and newlines inside it dropped (``JaVa<TAB>Script:`` is
``javascript:``), its scheme in any case. It may have a scheme of
``policy_link_schemes`` (``conf.py``: ``https``, ``mailto``) or none, when it
leads into the site; ``//host`` and backslashes (which browsers read as
``/``) lead to another host and are refused.

An id (and the ``#fragment`` of a link) is letters, digits, ``-``, ``_`` and
``.``: it is written into attributes and the addresses readers cite, and a
quote or an angle bracket in one would end the attribute Sphinx writes it
into without escaping (the heading's ``¶`` link).

Asked by the build (:mod:`.sources` on each page's tree, :mod:`.published_pages`
on every page as written) and by ``make lint`` (``tools/policy_lint.py``),
each with the schemes ``conf.py`` sets.
"""

from __future__ import annotations

import re

# policy_link_schemes when conf.py sets none.
DEFAULT_SCHEMES = ["https", "mailto"]

# Browsers drop these before reading a URL's scheme (WHATWG URL standard).
_URL_STRIP = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile("[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
ID = re.compile(r"[A-Za-z0-9_.\-]+")
# HTML attributes that hold a list of addresses.
SOURCE_SETS = frozenset({"srcset", "imagesrcset"})


def url_scheme(url: str) -> str | None:
    """The scheme a browser reads in *url* (lower case), or None for a relative one."""
    url = _TAB_OR_NEWLINE.sub("", url.strip(_URL_STRIP))
    match = _SCHEME.match(url)
    return match.group(1).lower() if match else None


def link_problem(url: str, allowed: list[str]) -> str | None:
    """Why *url* may not be a link on a page, or None when it may."""
    scheme = url_scheme(url)
    if scheme is not None:
        if scheme in allowed:
            return None
        return (f"a link to {scheme}: is not allowed ({url!r}): links are "
                f"{', '.join(s + ':' for s in allowed)} or into the site")
    bare = _TAB_OR_NEWLINE.sub("", url.strip(_URL_STRIP))
    if bare.startswith("//") or "\\" in bare:
        return f"a link to another host without a scheme is not allowed ({url!r})"
    return None


def srcset_urls(value: str) -> list[str]:
    """The addresses of a ``srcset`` attribute: ``a.png 1x, b.png 2x``."""
    return [part.split()[0] for part in value.split(",") if part.split()]


def id_problem(value: str) -> str | None:
    """Why *value* may not be an id, or None when it may."""
    if ID.fullmatch(value):
        return None
    return f"the id {value!r} may hold only letters, digits, '-', '_' and '.'"
