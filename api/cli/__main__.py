"""`python -m api.cli`: the same command line as the `aimsgraph` console script."""

from api.cli import main

main()
