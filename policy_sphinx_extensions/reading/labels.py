"""A MyST label is the id it names, as written: ``(1-information-we-collect)=``.

Notices are cited by URL and ``#fragment``, so a renamed heading keeps its
old ids with a label for each, on the lines right above it::

    (information-we-collect)=
    (1-information-we-collect)=
    ## 1. What we collect

(``make check-addresses`` names the labels a change needs.) docutils makes a
label's id with ``make_id``, which drops what an HTML4 id could not start
with: ``(1-information-we-collect)=``, the GitHub-style id myst-parser gives
"1. Information we collect", would come out as ``information-we-collect``,
or as ``id1`` when a label above took that, and the cited address would
still break. Neither MyST nor docutils has a setting to keep a label's id as
written, hence this transform: before docutils moves the labels' ids onto
the heading (``PropagateTargets``), each label whose id was changed gets its
own name back as its id, unless another element has that id, which fails
the build naming the label's file and line. So does a label that is no id
(:func:`.links.id_problem`: letters, digits, ``-``, ``_``, ``.``): Sphinx
writes a heading's id unescaped into its ``¶`` link.
"""

from __future__ import annotations

import re

from docutils import nodes
from docutils.transforms import Transform
from docutils.transforms.references import PropagateTargets
from sphinx.application import Sphinx
from sphinx.util import logging

from policy_core.links import id_problem

logger = logging.getLogger(__name__)


class LabelIds(Transform):
    """Give each label (a target with no address of its own) its name as its id."""

    # Every label has its id by now (they are given while parsing); the ids
    # move to the element after the label at PropagateTargets.
    default_priority = PropagateTargets.default_priority - 1

    def apply(self, **kwargs) -> None:
        renamed = False
        for target in self.document.findall(nodes.target):
            if target.get("refuri") or target.get("refid") or target.get("refname"):
                continue
            for name in target["names"]:
                if any(char.isspace() for char in name):
                    continue  # not an id: the label is only a name for references
                problem = id_problem(name)
                if problem:
                    # It keeps the id docutils made of it, which is safe.
                    logger.error("the label (%s)= cannot be an id: %s", name, problem,
                                 location=target, type="policy", subtype="label")
                elif self.rename(target, name, name):
                    renamed = True
                elif self.document.ids.get(name, target) is not target:
                    logger.warning(
                        "the label (%s)= cannot have the id %r: another element of the page "
                        "has it", name, name, location=target, type="policy", subtype="label")
        if not renamed:
            return
        # A heading parsed after a label took the id docutils made for the
        # label (``(2-sharing)=`` above "## 3. Sharing": ``sharing``) got a
        # numbered one (``id1``); now that the label has its own, the heading
        # gets back the id it has without the label.
        for section in self.document.findall(nodes.section):
            for name in section["names"]:
                wanted = nodes.make_id(name)
                if wanted:
                    self.rename(section, name, wanted)

    def rename(self, element: nodes.Element, name: str, wanted: str) -> bool:
        """Make *wanted* the id *element* has for *name*, if no element has it yet.

        Only an id docutils made for the name is replaced (the name made into
        an id, or a numbered one): one an extension set on purpose is kept.
        """
        document = self.document
        made = document.nameids.get(name)
        if made is None or made == wanted or made not in element["ids"] or wanted in document.ids:
            return False
        prefix = document.settings.auto_id_prefix
        if prefix.endswith("%"):
            prefix = f"{prefix[:-1]}{element.tagname}-"
        if made != nodes.make_id(name) and not re.fullmatch(re.escape(prefix) + r"\d+", made):
            return False
        element["ids"][element["ids"].index(made)] = wanted
        del document.ids[made]
        document.ids[wanted] = element
        document.nameids[name] = wanted
        return True


def setup(app: Sphinx) -> dict:
    app.add_transform(LabelIds)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
