"""Readers of input files. Each turns one format into validated pydantic models and never writes a store.

A file with any problem is rejected whole: the loader collects every problem it can find, each with file,
line and the path inside the document, and raises `core.errors.DataError`.
"""

from loaders.catalog import Catalog, FrameworkHeader, ProvisionEntry

__all__ = ["Catalog", "FrameworkHeader", "ProvisionEntry"]
