"""The build itself (incremental builds, its messages) and what the extensions
share: per-document state, pages made from others' data, refusals."""
