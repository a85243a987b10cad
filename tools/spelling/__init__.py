"""The spelling check: Sphinx's spelling builder over the site's own configuration.

``conf.py`` here is the site's configuration plus the spell checker, so
``make html`` does not need the Enchant library; ``builder.py`` makes the
checker read link and emphasis text too; ``filters.py`` skips a word quoted as
written; ``wordlist.txt`` holds the project's words that neither the en_US
nor the en_GB Hunspell dictionary knows.
"""
