"""The notices' material versions, kept between builds until the commit or a notice changes;
and which sources are notices, until their file changes.

Reading every notice's versions from git (:mod:`policy_core.git_history`) costs a
``git log --follow`` per notice and a parse of the front matter of every
state of it: most of a rebuild where nothing changed. What it reads is fixed
by the commit the revision names and by the notice's file: the same commit
and the same bytes give the same versions. So each notice's versions are kept
under the doctree folder (``notice-history.pickle``, beside Sphinx's own
pickled environment, never published), keyed by the file's path and a digest
of its bytes, for the commit they were read at; only the notices whose file
changed are read again, and every one after a new commit. The reader's own
code is part of the key: a changed :mod:`policy_core.git_history` reads everything
again.

Which sources are notices is decided before Sphinx reads any, by each file's
front matter (:func:`policy_core.front_matter.source_is_notice`): a parse of
every page's YAML at every build. It is kept the same way
(``page-kinds.pickle``), keyed by the file's bytes and its address, for the
code that decides it.

Not an extension: :mod:`.versions` asks :func:`material_versions` and
:func:`notices_among` instead of :mod:`policy_core` when a build starts.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path

from policy_core import front_matter, git_history, yamldata

CACHE_FILE = "notice-history.pickle"
KINDS_FILE = "page-kinds.pickle"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _load(path: Path) -> dict:
    try:
        with path.open("rb") as stream:
            cache = pickle.load(stream)  # noqa: S301 - the build's own file, as environment.pickle
    except Exception:  # noqa: BLE001 - none yet, or cut short, or from another version: read again
        return {}
    return cache if isinstance(cache, dict) else {}


def _save(path: Path, cache: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.partial")
    with partial.open("wb") as stream:
        pickle.dump(cache, stream, pickle.HIGHEST_PROTOCOL)
    partial.replace(path)  # never half a cache, even if the build is stopped


def _kept(path: Path, stamp: tuple, keys: dict, compute: Callable[[list], dict]) -> dict:
    """item -> its value, for the items of *keys* (item -> key): the values kept
    in *path* under the same *stamp* and key, and :func:`compute` of the rest
    (a list of items -> a value for each), kept in turn for the next build."""
    cache = _load(path)
    kept = cache.get("entries", {}) if cache.get("stamp") == stamp else {}
    missing = [item for item, key in keys.items() if key not in kept]
    computed = compute(missing) if missing else {}
    entries = {key: computed[item] if item in computed else kept[key] for item, key in keys.items()}
    if missing or entries.keys() != kept.keys():
        _save(path, {"stamp": stamp, "entries": entries})
    return {item: entries[key] for item, key in keys.items()}


def material_versions(
    doctreedir: Path, root: Path, files: list[Path], revision: str = "HEAD",
    tree: Path | None = None, checked_after: str = "",
    limits: git_history.Limits | None = None,
) -> git_history.Histories:
    """What :func:`policy_core.git_history.material_versions` returns for the same
    arguments, read from git only for the files not read at this commit
    with these bytes (and these rules) before."""
    stamp = (
        git_history.commit_of(root, revision), str(root), str(tree), checked_after, repr(limits),
        _digest(Path(git_history.__file__).read_bytes()),
    )

    def read(missing: list[Path]) -> dict:
        # Each file's versions and its problem, if any: a notice that broke a
        # rule is reported again by every build until it is fixed.
        histories = git_history.material_versions(root, missing, revision, tree, checked_after, limits)
        return {file: (histories.versions[file], histories.problems.get(file)) for file in missing}

    keys = {file: (str(file), _digest(file.read_bytes())) for file in files}
    kept = _kept(Path(doctreedir, CACHE_FILE), stamp, keys, read)
    return git_history.Histories(
        {file: versions for file, (versions, _) in kept.items()},
        {file: problem for file, (_, problem) in kept.items() if problem is not None})


def notices_among(doctreedir: Path, sources: dict[str, Path], root_doc: str) -> list[str]:
    """The docnames of *sources* (docname -> file) whose file is a notice's, sorted:
    :func:`policy_core.front_matter.source_is_notice` asked only of the files
    not asked with these bytes before."""
    stamp = tuple(_digest(Path(module.__file__).read_bytes()) for module in (front_matter, yamldata))
    keys = {docname: (docname, root_doc, str(file), _digest(file.read_bytes()))
            for docname, file in sources.items()}
    kinds = _kept(Path(doctreedir, KINDS_FILE), stamp, keys, lambda missing: {
        docname: front_matter.source_is_notice(sources[docname], docname, root_doc)
        for docname in missing})
    return sorted(docname for docname, notice in kinds.items() if notice)
