"""The third-party processor registry, ``source/_data/processors.yaml``, read and
checked against its schema (at the top of that file).

Each processor once: its id (what notices cite), name, optional service and
notes, and the label and https URL of its data-processing terms with the PSF
and of its privacy policy, each on a public host name. A mistake raises :class:`.yamldata.DataError`
naming the line. Used by the ``processors`` extension, which reads the
registry when a build starts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from policy_core import yamldata
from policy_core.ip_addresses import NotAnAddress, canonical_host, host_address

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ENTRY_FIELDS = {"id", "name", "service", "terms", "privacy", "notes"}
LINK_FIELDS = {"label", "url"}


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Processor:
    id: str
    name: str
    terms: Link
    privacy: Link
    service: str | None = None
    notes: str | None = None

    @property
    def anchor(self) -> str:
        """The id of the processor's row on the processors page."""
        return f"processor-{self.id}"


def load_registry(path: Path) -> dict[str, Processor]:
    """Read and validate the registry; raise DataError naming the line."""
    data = yamldata.load_file(path)
    if not isinstance(data, yamldata.Mapping) or set(data) != {"processors"}:
        raise yamldata.DataError(
            path, 1, "expected one field, 'processors', listing each processor"
        )
    items = data["processors"]
    if not isinstance(items, list) or not items:
        raise yamldata.DataError(
            path, data.line_of("processors"), "'processors' must be a non-empty list"
        )
    registry: dict[str, Processor] = {}
    for item in items:
        if not isinstance(item, yamldata.Mapping):
            raise yamldata.DataError(
                path, data.line_of("processors"), "each processor is a mapping of fields"
            )
        processor = _processor(item, path)
        if processor.id in registry:
            raise yamldata.DataError(
                path, item.line_of("id"), f"processor id {processor.id!r} is listed twice"
            )
        registry[processor.id] = processor
    return registry


def _processor(item: yamldata.Mapping, path: Path) -> Processor:
    unknown = sorted(set(item) - ENTRY_FIELDS)
    if unknown:
        raise yamldata.DataError(path, item.line_of(unknown[0]), f"unknown field {unknown[0]!r}")
    processor_id = item.get("id")
    if not isinstance(processor_id, str) or not ID_PATTERN.fullmatch(processor_id):
        raise yamldata.DataError(
            path,
            item.line_of("id"),
            "'id' must be lowercase letters, digits and hyphens (e.g. 'fastly')",
        )
    return Processor(
        id=processor_id,
        name=_text(item, "name", path, processor_id, required=True),
        terms=_link(item, "terms", path, processor_id),
        privacy=_link(item, "privacy", path, processor_id),
        service=_text(item, "service", path, processor_id, required=False),
        notes=_text(item, "notes", path, processor_id, required=False),
    )


def _text(item: yamldata.Mapping, field: str, path: Path, processor_id: str, *, required: bool):
    value = item.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise yamldata.DataError(
            path, item.line_of(field), f"processor {processor_id!r}: '{field}' must be text"
        )
    return " ".join(value.split())


def _link(item: yamldata.Mapping, field: str, path: Path, processor_id: str) -> Link:
    value = item.get(field)
    if not isinstance(value, yamldata.Mapping):
        raise yamldata.DataError(
            path,
            item.line_of(field),
            f"processor {processor_id!r}: '{field}' is missing: give its 'label' and 'url'",
        )
    unknown = sorted(set(value) - LINK_FIELDS)
    if unknown:
        raise yamldata.DataError(
            path,
            value.line_of(unknown[0]),
            f"processor {processor_id!r}: unknown field {unknown[0]!r}",
        )
    for key in ("label", "url"):
        if not isinstance(value.get(key), str) or not value[key].strip():
            # A missing key is reported on the line that names the link.
            line = value.key_lines.get(key, item.line_of(field))
            raise yamldata.DataError(
                path, line, f"processor {processor_id!r}: '{field}' needs a '{key}'"
            )
    label, url = value["label"], value["url"]
    problem = public_url_problem(url)
    if problem:
        raise yamldata.DataError(
            path, value.line_of("url"), f"processor {processor_id!r}: '{field}' URL {url!r} {problem}"
        )
    return Link(" ".join(label.split()), url)


def public_url_problem(url: str) -> str | None:
    """Why *url* is not an https address on a public host name, or None.

    A processor's URL is published on every notice citing it and fetched by
    the link check: an address inside a machine or its network (an IP
    literal, ``localhost``, a name of one label) or credentials in the URL
    would put on the site, or have the checker ask, what no reader can reach.
    """
    if any(char.isspace() for char in url):
        return "has white space in it"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as error:
        return f"cannot be read: {error}"
    if parts.scheme != "https" or not parts.hostname:
        return "must be https:// with a host"
    if parts.username is not None or parts.password is not None:
        return "may not hold a user name or password"
    host = canonical_host(parts.hostname)
    try:
        if host_address(host) is not None:
            return "must name its host, not an IP address"
    except NotAnAddress:
        return "must name its host, not a number that is no address"
    if "." not in host or host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return f"must be on a public host name, not {host!r}"
    return None
