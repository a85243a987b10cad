"""How a page is read: MyST with the site's settings, labels kept as written,
and each page's kind with a notice's dates and changes."""
