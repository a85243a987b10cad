"""The theme's own settings are in place before Sphinx compares configurations.

At the start of a build Sphinx compares the configuration saved with the last
build's environment against the one ``conf.py`` gives, and names every value
that differs. furo adds its value ``pygments_dark_style`` when the HTML
builder loads the theme, which comes after that comparison: the saved
configuration has the value, the new one not yet, and every build printed
"The configuration has changed (1 option: 'pygments_dark_style')" though
nothing had.

The saved configuration holds furo's values when the last build into the
output folder loaded the theme, which its stylesheet in the folder shows.
Then this extension sets up furo's extension as soon as ``conf.py`` has been
read, so its values are on both sides of the comparison; when the builder
loads the theme, Sphinx finds the extension set up and does not set it up
again. A first build, and a build of another kind (the PDFs, the spelling
check, ``make text``), saved no such values and sets up nothing early: the
builder is named only after the comparison, and furo's extension refuses a
builder that writes no HTML.
"""

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.config import Config

from policy_sphinx_extensions.build.refusals import refuse

THEME = "furo"
# What every build with the theme writes into its output folder.
THEME_STYLESHEET = Path("_static", "styles", "furo.css")


def _set_up_theme_extension(app: Sphinx, config: Config) -> None:
    if config.html_theme == THEME and (Path(app.outdir) / THEME_STYLESHEET).is_file():
        app.setup_extension(THEME)


def _check_builder_uses_theme(app: Sphinx) -> None:
    """A builder of another kind, into a folder of the site's pages, is told to build
    elsewhere (furo's extension, set up for it, would stop or write into it)."""
    builder = app.builder
    uses_theme = (isinstance(builder, StandaloneHTMLBuilder)
                  and builder.get_theme_config()[0] == THEME)
    if THEME in app.extensions and not uses_theme:
        refuse(f"{app.outdir} holds the site's HTML pages: build with {builder.name!r} "
               f"into a folder of its own")


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _set_up_theme_extension)
    # Before furo's own handler (priority 500), which refuses such a builder
    # without saying why.
    app.connect("builder-inited", _check_builder_uses_theme, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
