"""YAML loading that remembers line numbers, for error messages that name them.

Front matter and the data files under ``source/_data/`` are YAML. A mistake in
them must be reported with the file *and line*, so mappings are loaded as
:class:`Mapping` objects that know where they and each of their keys start.

Anchors (``&name``) and aliases (``*name``) are refused before anything is
built from the text: an alias repeats a whole subtree, so a few lines of them
can stand for billions of values (the "billion laughs"), and no notice or
data file needs them.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

import yaml
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore, normalize
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

# libyaml's scanner and parser when PyYAML has them (its wheels do): the same
# documents, read several times faster.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class DataError(Exception):
    """A data file or front matter block that does not fit its schema."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = str(path)
        self.line = line
        self.message = message

    def __reduce__(self):
        # Kept between builds (history_cache): unpickled from its own fields.
        return type(self), (self.path, self.line, self.message)


class Mapping(dict):
    """A YAML mapping with the 1-based line of itself and of each key."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.line = 1
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineNumbers:
    """Constructors of a loader whose mappings know their lines."""

    def construct_mapping(self, node, deep=False):
        mapping = Mapping(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            key_node.value: key_node.start_mark.line + 1 for key_node, _ in node.value
        }
        return mapping

    def construct_yaml_timestamp(self, node):
        # An impossible date such as 2024-13-45 otherwise escapes as a bare
        # ValueError with no position.
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid date {node.value!r}: {error}", node.start_mark
            ) from None


class _LineLoader(_LineNumbers, yaml.SafeLoader):
    """PyYAML's own parser: it names the line of a syntax error exactly."""


class _FastLineLoader(_LineNumbers, _FAST_LOADER):
    """libyaml's parser. Its syntax errors point where it gave up (an unclosed
    "[" at the end of the text), so a text it rejects is read again by
    _LineLoader for the message."""


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(
        yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineNumbers.construct_mapping
    )
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _LineNumbers.construct_yaml_timestamp)


def refuse_anchors(text: str, path: Path | str, first_line: int = 1) -> None:
    """Raise DataError at the first anchor or alias of *text*.

    Only the scanner runs (tokens, in one pass over the text): nothing is
    composed, so an alias is never expanded. A syntax error is left for the
    loader, which reports it with its line.
    """
    try:
        for token in yaml.scan(text, Loader=_FAST_LOADER):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                what, sign = (("an anchor", "&") if isinstance(token, yaml.AnchorToken)
                              else ("an alias", "*"))
                raise DataError(path, first_line + token.start_mark.line,
                                f"YAML anchors and aliases are not allowed: found {what} "
                                f"({sign}{token.value}); write the value out")
    except yaml.YAMLError:
        return


def load(text: str, path: Path | str, first_line: int = 1):
    """Parse YAML *text* from *path*; lines are counted from *first_line*."""
    refuse_anchors(text, path, first_line)
    try:
        data = yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError:
        # Read again by the pure-Python parser: its error names the line.
        try:
            data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = first_line + (mark.line if mark else 0)
            if isinstance(error, yaml.constructor.ConstructorError):
                raise DataError(path, line, error.problem) from None
            raise DataError(path, line, f"invalid YAML: {error.problem}") from None
    if first_line != 1:
        _shift_lines(data, first_line - 1)
    return data


def load_file(path: Path):
    return load(read_text(path), path)


# Every page and data file is UTF-8, as Sphinx, MyST and the lint tools read
# them: a file an editor saved in another encoding (Latin-1, Windows-1252) is
# refused here, at its first byte that is not UTF-8, never read with its
# characters replaced.
NOT_UTF8 = ("the file is not UTF-8: save it as UTF-8 (this line holds its first "
            "character in another encoding)")


def decode(raw: bytes, path: Path | str) -> str:
    """The text of *raw*, the bytes of *path*; DataError at the line of the
    first byte that is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DataError(path, raw.count(b"\n", 0, error.start) + 1, NOT_UTF8) from None


def read_text(path: Path) -> str:
    """The text of the page or data file *path*, its line ends made ``\\n`` as
    in any file Python reads as text; DataError when it is not UTF-8."""
    return io.StringIO(decode(path.read_bytes(), path), newline=None).read()


def _shift_lines(data, offset: int) -> None:
    if isinstance(data, Mapping):
        data.line += offset
        data.key_lines = {key: line + offset for key, line in data.key_lines.items()}
        data = list(data.values())
    if isinstance(data, list):
        for value in data:
            _shift_lines(value, offset)


# MyST's own Markdown parser, with MyST's defaults: the site changes none of
# the settings that decide what it reads (page_parser.py refuses
# myst_disable_syntax). Its front matter rule finds every front matter here;
# the notices' history and the lint tools read a page's tokens with it.
MYST = create_md_parser(MdParserConfig(), RendererHTML)


def front_matter_block(text: str, md: MarkdownIt | None = None) -> tuple[str, int] | None:
    """The YAML of *text*'s front matter and the file line it starts on, or None.

    The block is the one MyST reads: its own front matter rule (markdown-it's
    plugin) runs on *text*, with MyST's parser *md* (by default one with
    MyST's defaults, as the site has). So it ends where MyST ends it, at a
    line of at least as many ``-`` as the opening one, indented less than a
    code block, or at ``...``; a line indented as code (``    ---``) is YAML.
    Raises DataError when a block is opened and never closed, which MyST
    reads as no front matter at all.
    """
    md = md or MYST
    if not text.startswith("-"):
        return None  # what the rule looks at first; it fails on an empty text
    core = StateCore(text, md, {})
    normalize(core)
    tokens: list = []
    state = StateBlock(core.src, md, {}, tokens)
    rule = next(rule.fn for rule in md.block.ruler.__rules__ if rule.name == "front_matter")
    if not rule(state, 0, state.lineMax, True):
        return None
    if not rule(state, 0, state.lineMax, False):
        raise DataError("", 1, "front matter is not closed by a '---' line")
    return tokens[0].content, 2


def settings_reader_block(text: str) -> str | None:
    """The YAML MyST's settings reader (``read_topmatter``, which a MyST parser
    reads a page's own settings with) reads in *text*, or None: from a first line
    starting with ``---`` to the next line starting with ``---`` or ``...``, each
    line split as ``str.splitlines`` splits it and its trailing spaces dropped.
    Where it is :func:`front_matter_block`'s text, both read the same YAML."""
    if not text.startswith("---"):
        return None
    block = []
    for line in text.splitlines()[1:]:
        if line.startswith(("---", "...")):
            break
        block.append(line.rstrip() + "\n")
    return "".join(block)


def front_matter(path: Path) -> Mapping | None:
    """The front matter of a MyST file, with file line numbers, or None.

    The build takes front matter values from what MyST parsed
    (``env.metadata``); this reads the file again only to find the line of a
    mistake, and for the standalone tools, which run without Sphinx. Their
    rules each ask for it: it is parsed once per version of the file.
    """
    stat = path.stat()
    return _front_matter(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=256)
def _front_matter(path: Path, mtime_ns: int, size: int) -> Mapping | None:
    return front_matter_of_text(read_text(path), path)


def front_matter_of_text(text: str, path: Path | str) -> Mapping | None:
    """The front matter of the MyST text *text*, read from *path* (named in
    errors), with its line numbers; None when it has none."""
    try:
        block = front_matter_block(text)
    except DataError as error:
        raise DataError(path, error.line, error.message) from None
    if block is None:
        return None
    data = load(block[0], path, first_line=block[1])
    if data is None:
        return Mapping()
    if not isinstance(data, Mapping):
        raise DataError(path, block[1], "front matter must be a mapping of fields")
    return data


def line_of(front: Mapping, keys: tuple) -> int:
    """The line of the value at *keys* (field names and list indexes) in
    *front*: the deepest of them that is there."""
    line, node = front.line, front
    for key in keys:
        if isinstance(node, Mapping) and key in node:
            line, node = node.line_of(key), node[key]
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            line = node.line if isinstance(node, Mapping) else line
        else:
            break
    return line
