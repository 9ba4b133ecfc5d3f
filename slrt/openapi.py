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


# Form data cannot carry `null`, nested members or needs, so a client that sends what the
# schema allows in it is misread; the token endpoint's flat fields are the exception.
FORM_BODIES_ACCEPTED = {"/api/v1/auth/token/"}
# A file is sent as multipart form data, and only so.
MULTIPART_BODIES = {"/api/v1/documents/"}


def document_json_bodies(result, generator, request, public):
    """drf-spectacular postprocessing hook: request bodies are JSON (README: the API), but
    for the uploads of files (multipart)."""
    for path, operations in result.get("paths", {}).items():
        if path in FORM_BODIES_ACCEPTED:
            continue
        kept = "multipart/form-data" if path in MULTIPART_BODIES else "application/json"
        for operation in operations.values():
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in [m for m in content if m != kept]:
                del content[media_type]
            if kept in content and path in MULTIPART_BODIES:  # its fields, and no others
                name = content[kept]["schema"]["$ref"].rsplit("/", 1)[-1]
                result["components"]["schemas"][name]["additionalProperties"] = False
    return result


# What DRF's character fields refuse, said in the schema of each request string: no NUL
# character (PostgreSQL stores none), and where blank is refused (`minLength: 1`), not only
# white space either (the field trims it first).
NO_NUL = "^[^\\x00]*$"
NOT_BLANK = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"


def _plain_string(schema: dict) -> bool:
    return schema.get("type") == "string" and not {"format", "enum", "pattern"} & set(schema)


def document_string_rules(result, generator, request, public):
    """drf-spectacular postprocessing hook: the rules of request strings (see NOT_BLANK), in
    request bodies (the `…Request` components) and query parameters."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue
        for field in component.get("properties", {}).values():
            if _plain_string(field):
                field["pattern"] = NOT_BLANK if field.get("minLength") else NO_NUL
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and _plain_string(parameter.get("schema", {})):
                    parameter["schema"]["pattern"] = NO_NUL
    return result


def _array_bounds() -> dict[tuple[str, str], tuple[int, int]]:
    from households.forms import MAX_MEMBERS
    from programs.models import NeedDomain

    # An assessment records one need or more, each domain once; a household has one member
    # or more (complaints.services, households.services).
    return {
        ("AssessmentRequest", "needs"): (1, len(NeedDomain.values)),
        ("HouseholdRequest", "members"): (1, MAX_MEMBERS),
        ("PatchedHouseholdRequest", "members"): (1, MAX_MEMBERS),
    }


# A household's floor area is at least 1 m² (the model's validator), at most 99,999.99, or
# blank for none: the pattern drf-spectacular derives from the digits allows a sign, a lone
# point and 0.
FLOOR_AREA = "^(?:[1-9][0-9]{0,4}(?:\\.[0-9]{1,2})?)?$"


def document_request_bounds(result, generator, request, public):
    """drf-spectacular postprocessing hook: how many items the request lists hold (it does not
    read a nested serializer's `min_length` and `max_length` itself), and the floor area."""
    schemas = result.get("components", {}).get("schemas", {})
    for (name, field), (least, most) in _array_bounds().items():
        if field in schemas.get(name, {}).get("properties", {}):
            schemas[name]["properties"][field].update(minItems=least, maxItems=most)
    for name in ("HouseholdRequest", "PatchedHouseholdRequest"):
        if "floor_area" in schemas.get(name, {}).get("properties", {}):
            schemas[name]["properties"]["floor_area"]["pattern"] = FLOOR_AREA
    return result


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
