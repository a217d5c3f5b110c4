"""Deliverables planners hand over: site sheets (CSV/XLSX with Chinese
headers), KML/KMZ for Google Earth and 奥维, the printable HTML report with
charts. They read a :class:`~siteplan.planner.Plan` (or its report data) and
write files; :mod:`siteplan.export` calls them."""
