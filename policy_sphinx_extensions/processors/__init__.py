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

The registry's schema is :mod:`.processor_registry`; the domain, the table
and ``processors.json`` are :mod:`.page`.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import ReferenceRole, SphinxDirective, SphinxRole

from policy_sphinx_extensions.build import dependents, docdata
from policy_core import yamldata
from policy_sphinx_extensions.build.refusals import refuse, refuse_data_error
from policy_sphinx_extensions.processors.page import (
    ProcessorDomain, ProcessorPages, processor_domain, processor_link, processor_table,
    table_contents, write_json)
from policy_core.processor_registry import Processor, load_registry

logger = logging.getLogger(__name__)


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


def _registry(env) -> dict[str, Processor]:
    domain = processor_domain(env)
    env.note_dependency(domain.registry_file)
    return domain.registry


def _unknown(env, processor_id: str, line: int) -> None:
    known = ", ".join(sorted(processor_domain(env).registry))
    processor_domain(env).note_error(
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
        processor_domain(self.env).data["tables"][self.env.docname] = True
        node = processor_table()
        self.set_source_info(node)
        return [node]


def _check(app: Sphinx, env) -> None:
    domain = processor_domain(env)
    if domain.data["link_docs"] and len(domain.tables) != 1:
        logger.error("processor names link to the processors page: exactly one page must hold "
                     "the processor-table directive, found %d", len(domain.tables),
                     type="policy", subtype="processor")
        app.statuscode = 1


def _load(app: Sphinx) -> None:
    path = Path(app.srcdir, app.config.policy_processors_file)
    domain = processor_domain(app.env)
    try:
        # A project without a registry has no processors: citing one is an error.
        domain.registry = load_registry(path) if path.exists() else {}
    except yamldata.DataError as error:
        refuse_data_error(error)
    except OSError as error:
        refuse(str(error))
    domain.registry_file = str(path)


def setup(app: Sphinx) -> dict:
    app.add_config_value("policy_processors_file", "_data/processors.yaml", "env")
    app.add_role("processor", ProcessorRole())
    app.add_role("processor-terms", ProcessorTermsRole())
    app.add_directive("processor-table", ProcessorTable)
    docdata.register(app, ProcessorDomain)
    app.add_post_transform(ProcessorPages)
    app.connect("builder-inited", _load)
    dependents.rewrite_when_changed(app, table_contents, lambda env: processor_domain(env).tables)
    app.connect("env-check-consistency", _check)
    app.connect("build-finished", write_json)
    # A notice's earlier versions cite what it cites: the notice is named once.
    app.setup_extension("policy_sphinx_extensions.versions")
    return {"version": "2.0", "env_version": 2,
            "parallel_read_safe": True, "parallel_write_safe": True}
