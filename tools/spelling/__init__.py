"""The spelling check: Sphinx's spelling builder over the site's own configuration.

``conf.py`` here is the site's configuration plus sphinxcontrib-spelling, so
``make html`` does not need the Enchant library; ``wordlist.txt`` holds the
project's words that the en_US Hunspell dictionary does not know.
"""
