"""The API's schema tells the error answers too, not only the successes.

drf-spectacular documents what a view returns when all goes well; clients (and schemathesis)
also need to know that a refused request answers 400 with messages by field, a missing or bad
token 401, a forbidden role 403, an object outside the caller's area 404, and so on.
"""

ERROR = {
    "type": "object",
    "description": '`{"detail": "…"}`, or messages by field: `{"nik": ["…"]}`.',
    "additionalProperties": True,
}

WHY = {
    "400": "The request is refused: messages by field, nothing saved.",
    "401": "No credentials, or a token that is not valid.",
    "403": "The caller's role may not do this.",
    "404": "Not found, or outside the caller's working area.",
    "409": "Changed by someone else since it was read (a stale `version`).",
    "415": "The body is not JSON or form data.",
    "429": "Too many requests: try again later.",
}


def document_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the error answers each operation can give."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            codes = ["400", "404"]
            if operation.get("requestBody"):
                codes.append("415")
            if operation.get("security") != [{}] and path != "/api/v1/auth/token/":
                codes += ["401", "403"]
            if path.endswith("/transition/"):
                codes.append("409")
            if path == "/api/v1/auth/token/":
                codes.append("429")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": WHY[code],
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
