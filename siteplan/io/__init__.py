"""Bottom-layer file writers (tables, atomic folder swaps); they import
nothing from siteplan above :mod:`siteplan.errors`."""
