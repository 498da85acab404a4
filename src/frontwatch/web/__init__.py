"""The web app and REST API of `frontwatch serve` (docs/web.md).

    from frontwatch.web import create_app
    app = create_app(open_database("frontwatch.db"), kb)
"""

from frontwatch.web.app import create_app

__all__ = ["create_app"]
