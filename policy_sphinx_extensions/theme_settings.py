"""The theme's own settings are in place before Sphinx compares configurations.

At the start of a build Sphinx compares the configuration saved with the last
build's environment against the one ``conf.py`` gives, and names every value
that differs. furo adds its value ``pygments_dark_style`` when the HTML
builder loads the theme, which comes after that comparison: the saved
configuration has the value, the new one not yet, and every build printed
"The configuration has changed (1 option: 'pygments_dark_style')" though
nothing had.

This extension sets up furo's extension as soon as ``conf.py`` has been read,
so its values take part in the comparison. When the builder loads the theme,
Sphinx finds the extension already set up and does not set it up again.

furo's extension refuses a builder that writes no HTML, and Sphinx creates the
builder only after the comparison. A build of this configuration with such a
builder names another ``html_theme`` (``-D html_theme=basic``, as the spelling
check's ``conf.py`` and the Makefile's other builders do); without it, this
extension stops the build saying so, before furo stops it with a message that
names neither cause nor cure.
"""

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config
from sphinx.errors import ConfigError

THEME = "furo"


def _set_up_theme_extension(app: Sphinx, config: Config) -> None:
    if config.html_theme == THEME:
        app.setup_extension(THEME)


def _check_builder_writes_html(app: Sphinx) -> None:
    if app.config.html_theme == THEME and not isinstance(app.builder, StandaloneHTMLBuilder):
        raise ConfigError(
            f"the {app.builder.name!r} builder writes no HTML pages, but html_theme is "
            f"{THEME!r}, an HTML theme: add -D html_theme=basic to the sphinx-build command, "
            f"as the Makefile does for every builder without a target of its own"
        )


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _set_up_theme_extension)
    # Before furo's own check of the builder (priority 500).
    app.connect("builder-inited", _check_builder_writes_html, priority=100)
    return {"env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
