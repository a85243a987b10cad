"""Every material version of every notice, each at a permanent address of its own.

The versions come from the git history of each notice's source
(:mod:`policy_core.git_history`); an editor edits only the notice and its front
matter. Each version is a document Sphinx reads like any other, not a second
build: its text is written to ``<doctreedir>/versions/<notice>/<date>.md``
(only when that text changed, so Sphinx's own check of modification times
rebuilds a version only when its text changed) and registered as the
document ``<notice>/<date>``, published at ``/<notice>/<date>/`` with its PDF.
A version whose text is the working tree's file is read from that file, so a
message about it names ``source/...``. The current version's text is the
notice's: its document is made from the notice's as that is read, not read
again (:mod:`.current_page`).

The build date is ``policy_today`` (``YYYY-MM-DD``; ``make html TODAY=``),
today's date in UTC by default. Relative to it each version is
``superseded``, ``current`` (the newest version dated on or before it) or
``upcoming`` (dated after it). While a notice has an upcoming version, the
notice's own address serves the current version with an announcement at
the top linking the upcoming one and its redline; a build on or after the
date serves the new one.

Registers:

* a Project (:mod:`.project`) that adds the version documents to
  those found under the source folder, and points a notice with an upcoming
  version at the text of the version in effect;
* ``env-get-outdated``: a document is read again when the file it is read
  from changed, or when its notice's versions (their status, their dates)
  changed;
* ``doctree-resolved``: the banners (:mod:`.banners`);
* ``html-page-context`` and ``policy-canonical-page`` (:mod:`..site.sitemap`): a
  version page's canonical link is its notice's address, the current version
  for search engines, so the sitemap lists the notice and not its versions;
* ``doctree-read``: a version is an orphan (reached from its notice, not the
  navigation) and left out of the search index;
* a transform (:class:`VersionLabels`): a version's labels keep their ids on
  its page, but name nothing for references (a reference to a label leads to
  the notice), so they are not the notice's labels a second time;
* ``versions.json`` at the site's root (:mod:`.versions_json`), each version's
  redline (:mod:`.redlines`), the ``notice-versions`` directive and
  the feed's announcements (:mod:`.version_list`);
* the current version's dated page, written from the notice's doctree:
  Sphinx reads the file once, as the notice (:mod:`.current_page`); a problem
  found in it as both pages are written is reported once
  (:mod:`.repeated_messages`).

A build outside a git repository has no history: it publishes the notices
alone and says so; a notice never committed has no version yet. A shallow
clone stops the build, naming the fix. A state of a notice that breaks a
rule (:mod:`policy_core.git_history`: its front matter, a change without its entry,
the page limits) fails the build naming it, and that notice is published
from its own file alone. Config: ``policy_today``, and for a
source exported from a revision (``tools/revisions.py``)
``policy_versions_repository`` and ``policy_versions_revision``;
``policy_notice_changes_checked_after``, the last commit from before the rule
that a change adds an entry.
"""

from __future__ import annotations

import datetime
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from sphinx.application import Sphinx
from sphinx.domains import Domain
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from policy_core import git_history
from policy_core.addresses import (dated_docname, docname_at, redline_path, redline_pdf_path,
                                   site_pdf_path)
from policy_sphinx_extensions.build.refusals import refuse
from policy_sphinx_extensions.site.sitemap import CANONICAL_PAGE_EVENT, canonical_page
from policy_sphinx_extensions.versions import cache
from policy_sphinx_extensions.versions.project import VersionedProject

logger = logging.getLogger(__name__)

VERSIONS_DIR = "versions"


@dataclass(frozen=True)
class NoticeVersion:
    """One material version of a notice, as this build publishes it."""

    notice: str
    date: datetime.date
    docname: str
    status: str  # superseded, current, upcoming
    in_effect_until: datetime.date | None
    announced: datetime.date | None
    previous: str | None  # the docname of the version before it


def _default_today(app: Sphinx, config) -> None:
    if not config.policy_today:
        config.policy_today = datetime.datetime.now(datetime.UTC).date().isoformat()


def _statuses(notice: str, found: list[git_history.Version], today: datetime.date):
    current = max((version.date for version in found if version.date <= today), default=None)
    result, previous = [], None
    for version, later in zip(found, [*(version.date for version in found[1:]), None], strict=True):
        status = ("current" if version.date == current
                  else "superseded" if version.date <= today else "upcoming")
        docname = dated_docname(notice, version.date)
        until = None if status == "current" else later
        result.append(NoticeVersion(notice, version.date, docname, status, until,
                                    version.announced, previous))
        previous = docname
    return tuple(result)


# The domains of the pages that list versions or announce them (version_list.py
# and feed.py, which import this module).
CHANGE_HISTORY_DOMAIN = "policy-change-history"
VERSION_LIST_DOMAIN = "policy-version-lists"


class VersionsDomain(Domain):
    """Every notice's versions, read from git as each build starts.

    Site-wide, not per document: a document read again changes nothing in it,
    so it is neither forgotten nor merged per document. ``before`` is the
    table of the build before, for :func:`_outdated` to compare.
    """

    name = "policy-versions"
    label = "Notice versions"
    data_version = 1
    initial_data: ClassVar[dict] = {"versions": {}, "before": {}, "sources": {}}

    def merge_domaindata(self, docnames, otherdata: dict) -> None:
        pass  # parallel readers receive the table; none of them changes it

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode) -> list:
        return []  # a data domain: no cross-reference targets


def versions_table(env) -> dict[str, tuple[NoticeVersion, ...]]:
    """Each notice's versions, oldest first (empty outside a git repository)."""
    return env.domains[VersionsDomain.name].data["versions"]


def version_addresses(app: Sphinx, version: NoticeVersion) -> dict[str, str]:
    """What the site publishes of *version*, by its address from the site's root:
    its page (``url``), its PDF, its redline and the redline's PDF (none of a
    first version; no PDF when the build publishes none)."""
    publish, pdf_dir = app.config.policy_pdf_publish, app.config.policy_pdf_dir
    found = {"url": app.builder.get_target_uri(version.docname)}
    if publish:
        found["pdf"] = site_pdf_path(pdf_dir, version.docname)
    if version.previous:
        found["redline"] = redline_path(version.docname)
        if publish:
            found["redline_pdf"] = redline_pdf_path(pdf_dir, version.docname)
    return found


def write_if_changed(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _read_versions(app: Sphinx, project: VersionedProject) -> None:
    data = app.env.domains[VersionsDomain.name].data
    data["before"], data["versions"] = data["versions"], {}
    project.extra, project.resolved_as, project.same_text = {}, {}, {}
    config = app.config
    repository = Path(app.confdir, config.policy_versions_repository)
    root = git_history.repository_root(
        repository if config.policy_versions_repository else Path(app.srcdir))
    generated = Path(app.doctreedir) / VERSIONS_DIR
    if root is None and config.policy_versions_repository:
        refuse(f"policy_versions_repository: {repository} is not a git repository")
    if root is None:
        shutil.rmtree(generated, ignore_errors=True)
        logger.info("Notice versions: %s is not in a git repository, so the notices are "
                    "published without their earlier versions", app.srcdir)
        return
    try:
        # As for the build date, make html and make pdf check this first.
        git_history.check_complete(root)
        app.env.find_files(app.config, app.builder)  # the source folder's documents alone
        # Plain files alone: a link or a device among the sources (a link to
        # /dev/zero) is never read here; the source check refuses it before
        # any page is read (checks/source_files.py).
        sources = {docname: path for docname in project.docnames
                   if stat.S_ISREG((path := Path(project.doc2path(docname, absolute=True)))
                                   .lstat().st_mode)}
        notices = cache.notices_among(Path(app.doctreedir), sources, config.root_doc)
        files = {docname: sources[docname].resolve() for docname in notices}
        # Kept between builds until the commit or a notice's file changes.
        histories = cache.material_versions(
            Path(app.doctreedir), root, list(files.values()), config.policy_versions_revision,
            Path(app.confdir).resolve() if config.policy_versions_repository else None,
            config.policy_notice_changes_checked_after,
            git_history.Limits(config.policy_max_source_bytes, config.policy_max_headings),
        )
    except git_history.HistoryError as error:
        refuse(str(error))
    for problem in histories.problems.values():
        # The notice is published from its own file alone, and the build fails.
        logger.error(f"{problem.message} (the notice's versions are left out until this "
                     "is fixed)", location=f"{problem.path}:{problem.line}",
                     type="policy", subtype="versions")
        app.statuscode = 1

    today = datetime.date.fromisoformat(config.policy_today)
    written = set()
    for notice in notices:
        found = histories.versions[files[notice]]
        if not found:
            # Never committed, or a state that breaks a rule (reported above).
            logger.info("Notice versions: %s has no committed version yet", notice)
            continue
        versions = _statuses(notice, found, today)
        for version, text in zip(versions, found, strict=True):
            if version.docname in project.docnames:
                refuse(f"the file has the address of the version of {version.date} of "
                       f"{notice}: rename it",
                       f"{project.doc2path(version.docname, absolute=True)}:1")
            if text.commit is None:
                source = files[notice]
            else:
                source = generated / f"{version.docname}.md"
                write_if_changed(source, text.text)
                written.add(source)
            readers = [version.docname] + ([notice] if version.status == "current" else [])
            if len(readers) == 2:
                project.same_text[version.docname] = notice
            for docname in readers:
                project.extra[docname] = source
                if source != files[notice]:
                    project.resolved_as[docname] = files[notice].relative_to(
                        Path(app.srcdir).resolve())
        data["versions"][notice] = versions
    # Documents from now on: the builder's check for outdated output (a
    # version's page deleted) comes before Sphinx discovers the documents again.
    project.add_extra()
    for stale in generated.rglob("*.md") if generated.is_dir() else ():
        if stale not in written:
            stale.unlink()


def _builder_inited(app: Sphinx) -> None:
    # Once the builder is set up: Sphinx logs no message before then.
    try:
        git_history.parse_build_date(app.config.policy_today)
    except ValueError as error:
        refuse(f"policy_today (make html TODAY=...) {error}")
    project = VersionedProject(app.srcdir, app.config.source_suffix)
    project.restore(app.project)
    app.project = app.env.project = project
    _read_versions(app, project)


def version_of(env, docname: str) -> NoticeVersion | None:
    notice = docname_at(docname.rsplit("/", 1)[0], versions_table(env))
    return next((version for version in versions_table(env).get(notice, ())
                 if version.docname == docname), None)


def is_version(env, docname: str) -> bool:
    """Whether *docname* is a notice's version (its changes are the notice's own)."""
    return version_of(env, docname) is not None


def _outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    data = env.domains[VersionsDomain.name].data
    sources = {docname: str(env.doc2path(docname)) for docname in env.found_docs}
    moved = {docname for docname, path in sources.items()
             if data["sources"].get(docname, path) != path}
    data["sources"] = sources
    for notice, versions in data["versions"].items():
        if data["before"].get(notice) != versions:
            moved |= {notice, *(version.docname for version in versions)}
    if data["before"] != data["versions"]:
        # Pages listing the versions, or the changes they announce.
        moved |= set(env.domains[VERSION_LIST_DOMAIN].data["pages"])
        # The change history is site/feed.py's, which sets this extension up:
        # a build may have the versions without it.
        if CHANGE_HISTORY_DOMAIN in env.domains:
            moved |= set(env.domains[CHANGE_HISTORY_DOMAIN].data["pages"])
    # Compared once: the next build of the same application (make serve keeps
    # it) reads every notice and version again only if the table changed.
    data["before"] = data["versions"]
    return sorted(moved & env.found_docs)


def mark_as_version(metadata: dict) -> None:
    """A version is reached from its notice, never from the navigation; the
    site's search finds the notice once, at its own address."""
    metadata.update(orphan=True, nosearch=True)


def _mark_version(app: Sphinx, doctree) -> None:
    if version_of(app.env, app.env.docname) is not None:
        mark_as_version(app.env.metadata[app.env.docname])


class VersionLabels(SphinxTransform):
    """A version's labels are the notice's: on its page they are ids only.

    Sphinx registers each label once for the site; the notice's version page
    holds the notice's labels, which would fail the build as duplicates.
    """

    # Before Sphinx hands the labels to its domains (SphinxDomains, 850).
    default_priority = 840

    def apply(self, **kwargs) -> None:
        if is_version(self.env, self.env.docname):
            self.document.nametypes.update(dict.fromkeys(self.document.nametypes, False))


def _canonical_page(app: Sphinx, pagename: str) -> str | None:
    version = version_of(app.env, pagename)
    return version.notice if version is not None else None


def _canonical(app: Sphinx, pagename, templatename, context, doctree) -> None:
    notice = canonical_page(app, pagename)
    if notice != pagename and context.get("pageurl"):
        base = app.config.html_baseurl.rstrip("/")
        context["pageurl"] = f"{base}/{app.builder.get_target_uri(notice)}"


def setup(app: Sphinx) -> dict:
    app.setup_extension("policy_sphinx_extensions.reading.page_kinds")
    app.setup_extension("policy_sphinx_extensions.pdf")
    app.setup_extension("policy_sphinx_extensions.reading.page_parser")  # the page limits
    app.add_config_value("policy_today", "", "", types=[str])
    # A source exported from a revision (tools/revisions.py) has no history of
    # its own: the repository it came from (its path relative to the
    # configuration folder, which is the export's root) and the revision.
    app.add_config_value("policy_versions_repository", "", "env", types=[str])
    app.add_config_value("policy_versions_revision", "HEAD", "env", types=[str])
    # The last commit from before the rule that a change to a notice's words
    # adds an entry to its changes: it and its ancestors are not checked.
    app.add_config_value("policy_notice_changes_checked_after", "", "env", types=[str])
    app.add_domain(VersionsDomain)
    app.connect("config-inited", _default_today)
    app.connect("builder-inited", _builder_inited)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _mark_version, priority=600)
    app.add_transform(VersionLabels)
    app.setup_extension("policy_sphinx_extensions.site.sitemap")
    app.connect(CANONICAL_PAGE_EVENT, _canonical_page)
    app.connect("html-page-context", _canonical)
    app.setup_extension("policy_sphinx_extensions.versions.banners")
    app.setup_extension("policy_sphinx_extensions.versions.redlines")
    app.setup_extension("policy_sphinx_extensions.versions.version_list")
    app.setup_extension("policy_sphinx_extensions.versions.versions_json")
    app.setup_extension("policy_sphinx_extensions.versions.repeated_messages")
    app.setup_extension("policy_sphinx_extensions.versions.current_page")
    return {"version": "1.0", "env_version": 2, "parallel_read_safe": True,
            "parallel_write_safe": True}
