"""Readers of input files. Each turns one format into validated pydantic models and never writes a store.

A file with any problem is rejected whole: the loader collects every problem it can find, each with file,
line and the path inside the document, and raises `core.errors.DataError`.

Import the reader you need from its module (`loaders.catalog`, `loaders.inventory`, …): this package
imports none of them, so a command that only reads the store never pays for the file readers' models.
"""
