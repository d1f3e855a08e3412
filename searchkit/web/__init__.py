"""The web pages: an index in, a read-only local web site (search, passage, cite, export; each page's
data also as JSON) out.

Open ``app.py`` first: the routes, the Content-Security-Policy and the Host check. ``pages.py`` holds the
search, concordance and passage pages, ``tools.py`` the cite page and the export; both read their URL
parameters through ``requests.py`` (a bad value is a page saying what to fix), shape what templates show
with ``views.py`` and ``figures.py`` (facets, the chart of matches per year), and borrow searchers from
``library.py`` (one per request, on the newest commit). ``server.py`` runs it all with uvicorn; the
templates (Jinja2, escaping everything) and the static files live beside the modules.
"""
