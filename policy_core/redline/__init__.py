"""The redline of two versions of a notice, as a reader sees them: text (the
words of a built page), diff (two texts compared), page (the sections, the
templates and the PDF)."""
