"""Third-party processors from one registry: the notices' standard sentence,
the "Third-party processors" page and ``processors.json``.

``source/_data/processors.yaml`` lists each processor once: its name, the label
and https URL of its data-processing terms with the PSF and of its privacy
policy (the schema is at the top of that file). A notice keeps its own words
for what each processor does and cites the registry for the rest:

.. code-block:: markdown

   - {processor}`Fastly <fastly>` to host the python.org website and services.
     Your information transits their servers. {processor-terms}`fastly`

renders as the notice has always read, the processor's name linked to its row
on the processors page (no words added) and the sentence with both links:
"Their use of this information is subject to the `Data Processing Terms`
between Fastly and PSF and the Fastly `Privacy Policy`."

Errors fail the build with the file and line: a registry entry that breaks the
schema (a missing URL, a URL that is not https), and a notice citing an id the
registry does not have.

Registers:

* the ``processor`` role: the notice's words for a processor, linked to its
  row on the processors page;
* the ``processor-terms`` role: the standard sentence with both links;
* the ``processor-table`` directive: the processors page's table, each
  processor with its links and the notices that cite it, filled in by a
  post-transform as the page is written, and rewritten (not re-read) when the
  citations or the citing notices' titles change (:mod:`.dependents`);
* a domain holding what each document cites, its errors, and the registry
  this build read;
* a ``build-finished`` handler writing ``processors.json`` beside the HTML:
  each processor, its URLs and the notices that cite it.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ConfigError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import ReferenceRole, SphinxDirective, SphinxRole

from . import dependents, docdata, yamldata

logger = logging.getLogger(__name__)

JSON_NAME = "processors.json"
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
    name = _text(item, "name", path, processor_id, required=True)
    return Processor(
        id=processor_id,
        name=name,
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
    def line_of(key: str) -> int:
        # A missing key is reported on the line that names the link.
        return value.key_lines.get(key, item.line_of(field))

    unknown = sorted(set(value) - LINK_FIELDS)
    if unknown:
        raise yamldata.DataError(
            path,
            value.line_of(unknown[0]),
            f"processor {processor_id!r}: unknown field {unknown[0]!r}",
        )
    label = value.get("label")
    if not isinstance(label, str) or not label.strip():
        raise yamldata.DataError(
            path, line_of("label"), f"processor {processor_id!r}: '{field}' needs a 'label'"
        )
    url = value.get("url")
    if not isinstance(url, str) or not url.strip():
        raise yamldata.DataError(
            path, line_of("url"), f"processor {processor_id!r}: '{field}' needs a 'url'"
        )
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or any(c.isspace() for c in url):
        raise yamldata.DataError(
            path,
            value.line_of("url"),
            f"processor {processor_id!r}: '{field}' URL must be https:// with a host, not {url!r}",
        )
    return Link(" ".join(label.split()), url)


def standard_sentence(processor: Processor) -> list[nodes.Node]:
    """"Their use of this information is subject to the <terms> between X and
    PSF and the X <privacy policy>." with both links."""
    return [
        nodes.Text("Their use of this information is subject to the "),
        nodes.reference("", processor.terms.label, refuri=processor.terms.url),
        nodes.Text(f" between {processor.name} and PSF and the {processor.name} "),
        nodes.reference("", processor.privacy.label, refuri=processor.privacy.url),
        nodes.Text("."),
    ]


class processor_link(nodes.inline):
    """A processor's name in a notice; becomes a link to its row on the
    processors page once every document has been read."""


class processor_table(nodes.General, nodes.Element):
    """Where the processors page's table goes, filled in once every notice
    citing a processor has been read."""


class ProcessorDomain(docdata.DocumentData):
    """What each document cites, which holds the table, which links a name.

    ``registry`` and ``registry_file`` are this build's registry, read when
    the builder starts; they are not kept between builds.
    """

    name = "policy-processors"
    label = "Third-party processors"
    data_version = 1
    # citations: docname -> [(processor id, section id)]; tables, link_docs: docname -> True
    initial_data: ClassVar[dict] = {"citations": {}, "tables": {}, "link_docs": {}, "errors": {}}
    error_subtype = "processor"
    registry: dict[str, Processor] = {}
    registry_file = ""

    def process_doc(self, env, docname: str, document: nodes.document) -> None:
        # Where each notice cites a processor: for the table and processors.json.
        citations = [
            (node["processor"], _section_id(node))
            for node in document.findall(nodes.inline)
            if "processor-terms" in node["classes"]
        ]
        if citations:
            self.data["citations"][docname] = citations
        if any(True for _ in document.findall(processor_link)):
            self.data["link_docs"][docname] = True

    @property
    def tables(self) -> list[str]:
        """The pages holding the processor table (exactly one, or an error)."""
        return sorted(self.data["tables"])


def _domain(env) -> ProcessorDomain:
    return env.domains[ProcessorDomain.name]


def _registry(env) -> dict[str, Processor]:
    domain = _domain(env)
    env.note_dependency(domain.registry_file)
    return domain.registry


def _unknown(env, processor_id: str, line: int) -> None:
    known = ", ".join(sorted(_domain(env).registry))
    _domain(env).note_error(
        env.docname, line, f"unknown processor {processor_id!r}: the registry has {known}"
    )


class ProcessorRole(ReferenceRole):
    """``{processor}`Amazon Web Services (AWS) <aws>``: the notice's words, linked."""

    def run(self):
        processor_id = self.target.strip()
        if processor_id not in _registry(self.env):
            _unknown(self.env, processor_id, self.lineno)
            return [nodes.Text(self.title)], []
        node = processor_link("", self.title, processor=processor_id)
        self.set_source_info(node)
        return [node], []


class ProcessorTermsRole(SphinxRole):
    """``{processor-terms}`fastly``: the standard sentence with both links."""

    def run(self):
        processor_id = self.text.strip()
        registry = _registry(self.env)
        if processor_id not in registry:
            _unknown(self.env, processor_id, self.lineno)
            return [nodes.Text(self.rawtext)], []
        node = nodes.inline("", "", *standard_sentence(registry[processor_id]),
                            classes=["processor-terms"], processor=processor_id)
        self.set_source_info(node)
        return [node], []


class ProcessorTable(SphinxDirective):
    """The processors page's table (filled in after every notice is read)."""

    has_content = False

    def run(self):
        _registry(self.env)  # the table shows the registry: rebuild when it changes
        _domain(self.env).data["tables"][self.env.docname] = True
        node = processor_table()
        self.set_source_info(node)
        return [node]


def _section_id(node: nodes.Node) -> str | None:
    """The address of the section holding *node*: the GitHub-style id the
    live site has always published, if the section has one."""
    while node is not None and not isinstance(node, nodes.section):
        node = node.parent
    if node is None:
        return None
    github_style = [i for i in node["ids"] if i[:1].isdigit()]
    return (github_style or node["ids"])[0]


def _check(app: Sphinx, env) -> None:
    domain = _domain(env)
    if domain.data["link_docs"] and len(domain.tables) != 1:
        logger.error(
            "processor names link to the processors page: exactly one page must hold the "
            "processor-table directive, found %d",
            len(domain.tables),
            type="policy",
            subtype="processor",
        )
        app.statuscode = 1


def _citing(env) -> dict[str, list[tuple[str, str | None]]]:
    """For each processor id, the notices citing it: (docname, section id), once each."""
    result: dict[str, list[tuple[str, str | None]]] = {}
    citations = _domain(env).data["citations"]
    for docname in sorted(citations):
        for processor_id, section_id in citations[docname]:
            if (docname, section_id) not in result.setdefault(processor_id, []):
                result[processor_id].append((docname, section_id))
    return result


def _with_anchor(uri: str, section_id: str | None) -> str:
    return f"{uri}#{section_id}" if section_id else uri


def _table(env, builder, fromdocname: str) -> nodes.table:
    registry = _domain(env).registry
    citations = _citing(env)
    headers = ("Processor", "Data-processing terms", "Privacy policy", "Cited by")
    table = nodes.table(classes=["processor-table"])
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=1) for _ in headers)
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", nodes.paragraph("", text)) for text in headers))
    group += head
    body = nodes.tbody()
    group += body
    for processor in registry.values():
        name = nodes.paragraph()
        name += nodes.strong("", processor.name)
        if processor.service:
            name += nodes.Text(f" ({processor.service})")
        name_cell = nodes.entry("", name)
        if processor.notes:
            name_cell += nodes.paragraph("", processor.notes, classes=["processor-notes"])
        notices = nodes.paragraph()
        for index, (docname, section_id) in enumerate(citations.get(processor.id, [])):
            if index:
                notices += nodes.Text(", ")
            uri = builder.get_relative_uri(fromdocname, docname)
            notices += nodes.reference(
                "", env.titles[docname].astext(), internal=True,
                refuri=_with_anchor(uri, section_id),
            )
        if not notices.children:
            notices += nodes.Text("no notice yet")
        row = nodes.row(ids=[processor.anchor])
        row += name_cell
        for link in (processor.terms, processor.privacy):
            link_node = nodes.reference("", link.label, refuri=link.url)
            row += nodes.entry("", nodes.paragraph("", "", link_node))
        row += nodes.entry("", notices)
        body += row
    return table


class ProcessorPages(SphinxPostTransform):
    """The processors page's table, and each processor name linked to its row,
    from every document read, as the pages are written.

    After furo wraps the tables of the pages in a scrolling container
    (priority 500): the processor table is laid out to fit without one.
    """

    default_priority = 600

    def run(self, **kwargs) -> None:
        # The builder, as Sphinx's own ReferencesResolver reaches it.
        _fill(self.env, self.env._app.builder, self.document, self.env.docname)


def _fill(env, builder, doctree: nodes.document, fromdocname: str) -> None:
    domain = _domain(env)
    for node in list(doctree.findall(processor_table)):
        page_dir = posixpath.dirname(builder.get_target_uri(fromdocname).rstrip("/") + "/")
        json_uri = posixpath.relpath(JSON_NAME, page_dir or ".")
        published = nodes.paragraph(classes=["processors-json"])
        published += nodes.Text("The same list, for tools: ")
        # A file name, set as code: it is not a word of the page's prose.
        published += nodes.reference(
            "", "", nodes.literal("", JSON_NAME), internal=True, refuri=json_uri
        )
        published += nodes.Text(".")
        node.replace_self([_table(env, builder, fromdocname), published])
    tables = domain.tables
    for node in list(doctree.findall(processor_link)):
        if len(tables) != 1:
            node.replace_self(nodes.Text(node.astext()))  # reported by _check
            continue
        uri = builder.get_relative_uri(fromdocname, tables[0])
        processor: Processor = domain.registry[node["processor"]]
        node.replace_self(
            nodes.reference(
                "",
                node.astext(),
                internal=True,
                refuri=f"{uri}#{processor.anchor}",
                reftitle=f"{processor.name} on the third-party processors page",
                classes=["processor-link"],
            )
        )


def registry_json(app: Sphinx) -> dict:
    """processors.json: each processor, its URLs and the notices that cite it."""
    citations = _citing(app.env)
    tables = _domain(app.env).tables
    processors = []
    for processor in _domain(app.env).registry.values():
        entry = {
            "id": processor.id,
            "name": processor.name,
            "service": processor.service,
            "terms": {"label": processor.terms.label, "url": processor.terms.url},
            "privacy": {"label": processor.privacy.label, "url": processor.privacy.url},
            "notes": processor.notes,
            "page": (
                _with_anchor(app.builder.get_target_uri(tables[0]), processor.anchor)
                if tables else None
            ),
            "cited_by": [
                {
                    "notice": docname,
                    "title": app.env.titles[docname].astext(),
                    "url": _with_anchor(app.builder.get_target_uri(docname), section_id),
                }
                for docname, section_id in citations.get(processor.id, [])
            ],
        }
        processors.append(entry)
    return {"processors": processors}


def _write_json(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    text = json.dumps(registry_json(app), indent=2, ensure_ascii=False) + "\n"
    Path(app.outdir, JSON_NAME).write_text(text, encoding="utf-8")


def _load(app: Sphinx) -> None:
    path = Path(app.srcdir, app.config.policy_processors_file)
    domain = _domain(app.env)
    try:
        # A project without a registry has no processors: citing one is an error.
        domain.registry = load_registry(path) if path.exists() else {}
    except (OSError, yamldata.DataError) as error:
        raise ConfigError(str(error)) from None
    domain.registry_file = str(path)


def _table_contents(env) -> tuple:
    """What the processor table shows of the notices: who cites what, under which title."""
    citing = _citing(env)
    titles = {
        docname: env.titles[docname].astext()
        for entries in citing.values()
        for docname, _ in entries
        if docname in env.titles
    }
    return citing, titles


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_processors_file", "_data/processors.yaml", "env")
    app.add_role("processor", ProcessorRole())
    app.add_role("processor-terms", ProcessorTermsRole())
    app.add_directive("processor-table", ProcessorTable)
    docdata.register(app, ProcessorDomain)
    app.add_post_transform(ProcessorPages)
    app.connect("builder-inited", _load)
    dependents.rewrite_when_changed(app, _table_contents, lambda env: _domain(env).tables)
    app.connect("env-check-consistency", _check)
    app.connect("build-finished", _write_json)
    return {
        "version": "2.0",
        "env_version": 2,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
