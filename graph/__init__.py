"""The graph: the `Store` protocol and its implementations, and the service layer every interface calls.

Start at `graph.bootstrap.bootstrap`, which wires settings, a store and the `Service`.
"""
