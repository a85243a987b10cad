"""The spelling check: Sphinx's spelling builder over the site's own configuration.

``conf.py`` here is the site's configuration plus the spell checker, so
``make html`` does not need the Enchant library; ``builder.py`` makes the
checker read link and emphasis text too; ``filters.py`` skips a word quoted as
written; ``wordlist.txt`` holds the project's words that neither the en_US
nor the en_GB Hunspell dictionary knows.
"""

from __future__ import annotations

# Debian's packages of what the check runs on: Enchant, and its dictionaries.
SYSTEM_PACKAGES = "libenchant-2-2 hunspell-en-us hunspell-en-gb"


def missing_library() -> str | None:
    """What to install when PyEnchant cannot load the Enchant C library, else None.

    PyEnchant finds the library as it is imported; it raises ImportError when
    there is none, or AssertionError and OSError when the path it was given
    (``PYENCHANT_LIBRARY_PATH``) is missing or is no library. Sphinx would
    report any of them as its own crash.
    """
    try:
        import enchant  # noqa: F401 - imported for its library check alone
    except (ImportError, AssertionError, OSError) as error:
        cause = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return (
            "the spelling check needs the Enchant library, which is not installed: install"
            f" Debian's packages {SYSTEM_PACKAGES} (sudo apt-get install {SYSTEM_PACKAGES})"
            f" and run make lint again ({cause})"
        )
    return None
