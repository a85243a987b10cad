"""What the build knows of the processors' citations, and the page showing them.

A domain holds, for each document read, the processors it cites (with the
section citing each), whether it holds the processor table, and whether it
links a processor's name; and, for the build at hand, the registry. From it:

* a post-transform fills in the processors page's table (each processor with
  its links and the notices citing it) and links each processor name in the
  notices to its row, as the pages are written;
* ``processors.json``, the same list for tools, written after the build.

The ``processors`` extension registers all of it, with the roles and the
directive that put the nodes here in the notices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import traverse_parent
from sphinx.util.osutil import relative_uri

from policy_sphinx_extensions.build.site_build import builds_site
from policy_sphinx_extensions.build import docdata
from policy_core.processor_registry import Processor
from policy_sphinx_extensions.versions import is_version

JSON_NAME = "processors.json"


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
        citations = [(node["processor"], _section_id(node))
                     for node in document.findall(nodes.inline)
                     if "processor-terms" in node["classes"]]
        if citations:
            self.data["citations"][docname] = citations
        if any(True for _ in document.findall(processor_link)):
            self.data["link_docs"][docname] = True

    @property
    def tables(self) -> list[str]:
        """The pages holding the processor table (exactly one, or an error)."""
        return sorted(self.data["tables"])


def processor_domain(env) -> ProcessorDomain:
    return env.domains[ProcessorDomain.name]


def _section_id(node: nodes.Node) -> str | None:
    """The address of the section holding *node*: the GitHub-style id the
    live site has always published, if the section has one."""
    section = next(traverse_parent(node, nodes.section), None)
    if section is None:
        return None
    github_style = [i for i in section["ids"] if i[:1].isdigit()]
    return (github_style or section["ids"])[0]


def _citing(env) -> dict[str, list[tuple[str, str | None]]]:
    """For each processor id, the notices citing it: (docname, section id), once each.

    A notice's earlier versions cite what it cited: the notice is named, once.
    """
    result: dict[str, list[tuple[str, str | None]]] = {}
    citations = processor_domain(env).data["citations"]
    for docname in sorted(citations):
        if not is_version(env, docname):
            for processor_id, section_id in dict.fromkeys(citations[docname]):
                result.setdefault(processor_id, []).append((docname, section_id))
    return result


def _with_anchor(uri: str, section_id: str | None) -> str:
    return f"{uri}#{section_id}" if section_id else uri


def _table(env, builder, fromdocname: str) -> nodes.table:
    registry = processor_domain(env).registry
    citations = _citing(env)
    headers = ("Processor", "Data-processing terms", "Privacy policy", "Cited by")
    group = nodes.tgroup(cols=len(headers))
    group.extend(nodes.colspec(colwidth=1) for _ in headers)
    group += nodes.thead("", nodes.row(
        "", *(nodes.entry("", nodes.paragraph("", text)) for text in headers)))
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
            notices += nodes.reference("", env.titles[docname].astext(), internal=True,
                                       refuri=_with_anchor(uri, section_id))
        if not notices.children:
            notices += nodes.Text("no notice yet")
        row = nodes.row(ids=[processor.anchor])
        row += name_cell
        for link in (processor.terms, processor.privacy):
            link_node = nodes.reference("", link.label, refuri=link.url)
            row += nodes.entry("", nodes.paragraph("", "", link_node))
        row += nodes.entry("", notices)
        body += row
    return nodes.table("", group, classes=["processor-table"])


class ProcessorPages(SphinxPostTransform):
    """The processors page's table, and each processor name linked to its row,
    from every document read, as the pages are written.

    After furo wraps the tables of the pages in a scrolling container
    (priority 500): the processor table is laid out to fit without one.
    """

    default_priority = 600

    def run(self, **kwargs) -> None:
        # The builder, as Sphinx's own ReferencesResolver reaches it: a post-transform
        # has no public way to it (SphinxTransform.app is deprecated, to go in
        # Sphinx 11). tests/test_sphinx_private_api.py fails when it changes.
        env, builder, fromdocname = self.env, self.env._app.builder, self.env.docname
        domain = processor_domain(env)
        for node in list(self.document.findall(processor_table)):
            # A file name, set as code: it is not a word of the page's prose.
            json_link = nodes.reference(
                "", "", nodes.literal("", JSON_NAME), internal=True,
                refuri=relative_uri(builder.get_target_uri(fromdocname), JSON_NAME))
            published = nodes.paragraph("", "The same list, for tools: ", json_link,
                                        nodes.Text("."), classes=["processors-json"])
            node.replace_self([_table(env, builder, fromdocname), published])
        tables = domain.tables
        for node in list(self.document.findall(processor_link)):
            if len(tables) != 1:
                node.replace_self(nodes.Text(node.astext()))  # reported by _check
                continue
            uri = builder.get_relative_uri(fromdocname, tables[0])
            processor: Processor = domain.registry[node["processor"]]
            node.replace_self(nodes.reference(
                "", node.astext(), internal=True, refuri=f"{uri}#{processor.anchor}",
                reftitle=f"{processor.name} on the third-party processors page",
                classes=["processor-link"]))


def registry_json(app: Sphinx) -> dict:
    """processors.json: each processor, its URLs and the notices that cite it."""
    citations = _citing(app.env)
    tables = processor_domain(app.env).tables
    processors = [
        {
            "id": processor.id,
            "name": processor.name,
            "service": processor.service,
            "terms": {"label": processor.terms.label, "url": processor.terms.url},
            "privacy": {"label": processor.privacy.label, "url": processor.privacy.url},
            "notes": processor.notes,
            "page": (_with_anchor(app.builder.get_target_uri(tables[0]), processor.anchor)
                     if tables else None),
            "cited_by": [
                {
                    "notice": docname,
                    "title": app.env.titles[docname].astext(),
                    "url": _with_anchor(app.builder.get_target_uri(docname), section_id),
                }
                for docname, section_id in citations.get(processor.id, [])
            ],
        }
        for processor in processor_domain(app.env).registry.values()
    ]
    return {"processors": processors}


def write_json(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not builds_site(app):
        return
    text = json.dumps(registry_json(app), indent=2, ensure_ascii=False) + "\n"
    Path(app.outdir, JSON_NAME).write_text(text, encoding="utf-8")


def table_contents(env) -> tuple:
    """What the processor table shows of the notices: who cites what, under which title."""
    citing = _citing(env)
    titles = {docname: env.titles[docname].astext()
              for entries in citing.values() for docname, _ in entries if docname in env.titles}
    return citing, titles
