"""Every answer of the service is JSON, errors included: `{"error": <code>, "message": <text>}`.

The views answer their own errors in that shape; this covers what Flask answers itself (an
unknown path, a method a route does not take, an unexpected exception's 500), which would
otherwise be an HTML page.
"""

from __future__ import annotations

import json

from flask import Flask
from werkzeug.exceptions import HTTPException


def _as_json(exc: HTTPException):
    response = exc.get_response()  # keeps the status and headers such as a 405's Allow
    code = (exc.name or "error").lower().replace(" ", "_").replace("'", "")
    response.set_data(json.dumps({"error": code, "message": exc.description or exc.name}))
    response.content_type = "application/json"
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _as_json)
