"""The shared core every layer stands on: graph records, the product's errors and its fixed vocabulary.

It imports nothing else of the product, so any layer (ontology, loaders, mappings, graph, api) may use it.
"""
