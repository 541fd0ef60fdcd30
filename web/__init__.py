"""The rulepath workbench: a local web page and its JSON API over the engine (docs/web.md).

``rulepath serve`` runs it; :func:`rulepath.web.app.create_app` builds the ASGI app.
"""
