"""Bottom-layer I/O helpers: atomic output folders and files, table writers.

Nothing here imports the planner, the solver or any other higher module, so
every command (``check-landuse`` included) can use them cheaply.
"""
