"""The read API's contract: an OpenAPI 3.1 document (served at /api/v1/openapi.json and checked
by Schemathesis in tests/functional/test_api_contract.py)."""
from ..labels import CATEGORY_LABELS
from ..models import STATUSES
from ..urls import MAX_PAGE

# No NUL characters: every request carrying one is refused (400) before it reaches a query.
_NO_NUL = r"^[^\u0000]+$"
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
_AUTHOR = {"type": "object", "required": ["username", "is_veteran"], "additionalProperties": False,
           "properties": {"username": {"type": "string"}, "is_veteran": {"type": "boolean"}}}
_SUMMARY_PROPS = {
    "id": {"type": "integer", "minimum": 1},
    "title": {"type": "string"},
    "category": {"type": "string", "enum": list(CATEGORY_LABELS)},
    "status": {"type": "string", "enum": list(STATUSES)},
    "asker_type": {"type": "string", "enum": ["lancer", "client"]},
    "tags": {"type": "array", "items": {"type": "string"}},
    "author": {"$ref": "#/components/schemas/Author"},
    "answer_count": {"type": "integer", "minimum": 0},
    "created_at": {"type": "string", "format": "date-time"},
    "resolved_at": _NULLABLE_TIME,
    "url": {"type": "string", "format": "uri"},
}
_ANSWER = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "author", "body", "body_html", "created_at", "is_best", "helpful_count"],
    "properties": {"id": {"type": "integer"}, "author": {"$ref": "#/components/schemas/Author"},
                   "body": {"type": "string"}, "body_html": {"type": "string"},
                   "created_at": {"type": "string", "format": "date-time"}, "is_best": {"type": "boolean"},
                   "helpful_count": {"type": "integer", "minimum": 0}},
}
_DETAIL = {
    "type": "object", "additionalProperties": False,
    "required": [*_SUMMARY_PROPS, "body", "body_html", "best_answer_id", "close_reason", "duplicate_of_id", "answers"],
    "properties": {**_SUMMARY_PROPS, "body": {"type": "string"}, "body_html": {"type": "string"},
                   "best_answer_id": {"type": ["integer", "null"]}, "close_reason": {"type": ["string", "null"]},
                   "duplicate_of_id": {"type": ["integer", "null"]},
                   "answers": {"type": "array", "items": {"$ref": "#/components/schemas/Answer"}}},
}


def _page_of(item_ref: str) -> dict:
    return {"type": "object", "additionalProperties": False,
            "required": ["items", "page", "per_page", "total", "pages"],
            "properties": {"items": {"type": "array", "items": {"$ref": item_ref}},
                           "page": {"type": "integer", "minimum": 1}, "per_page": {"type": "integer", "minimum": 1},
                           "total": {"type": "integer", "minimum": 0}, "pages": {"type": "integer", "minimum": 1}}}


def _ok(schema_ref: str, description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


def _errors(*codes: int) -> dict:
    text = {400: "bad parameter", 404: "not found or hidden", 429: "rate limit exceeded"}
    return {str(code): {"description": text[code], "content": {"application/json": {
        "schema": {"$ref": "#/components/schemas/Error"}}}} for code in codes}


_PAGE = {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}}
_CATEGORY = {"name": "category", "in": "query", "required": False,
             "schema": {"type": "string", "enum": list(CATEGORY_LABELS)}}


def document() -> dict:
    """The OpenAPI 3.1 document of /api/v1."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Sodan read API", "version": "1.0.0",
                 "description": "Threads, a thread with its visible answers, search and tags of the Sodan "
                                "(相談室) forum. Hidden posts are left out as on the pages. Errors are JSON "
                                "with a code and a message."},
        "servers": [{"url": "/api/v1"}],
        "paths": {
            "/questions": {"get": {
                "operationId": "listQuestions", "summary": "Threads, newest first",
                "parameters": [
                    {"name": "status", "in": "query", "required": False,
                     "schema": {"type": "string", "enum": list(STATUSES)}},
                    _CATEGORY,
                    {"name": "tag", "in": "query", "required": False,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": _NO_NUL}},
                    _PAGE,
                ],
                "responses": {"200": _ok("#/components/schemas/QuestionPage", "a page of threads"),
                              **_errors(400, 404, 429)},
            }},
            "/questions/{question_id}": {"get": {
                "operationId": "getQuestion", "summary": "A thread with its visible answers, best answer first",
                "parameters": [{"name": "question_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}],
                "responses": {"200": _ok("#/components/schemas/QuestionDetail", "the thread"),
                              **_errors(400, 404, 429)},
            }},
            "/search": {"get": {
                "operationId": "search", "summary": "Resolved threads matching every word, ranked as /search",
                "parameters": [
                    {"name": "q", "in": "query", "required": True,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 200,
                                # Some character that is neither space nor NUL (\S alone matches a NUL).
                                "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$"}},
                    _CATEGORY, _PAGE,
                ],
                "responses": {"200": _ok("#/components/schemas/QuestionPage", "a page of results"),
                              **_errors(400, 429)},
            }},
            "/tags": {"get": {
                "operationId": "listTags", "summary": "Tags, most used first",
                "parameters": [_PAGE],
                "responses": {"200": _ok("#/components/schemas/TagPage", "a page of tags"), **_errors(400, 429)},
            }},
        },
        "components": {"schemas": {
            "Author": _AUTHOR,
            "QuestionSummary": {"type": "object", "additionalProperties": False, "required": list(_SUMMARY_PROPS),
                                "properties": _SUMMARY_PROPS},
            "QuestionDetail": _DETAIL,
            "Answer": _ANSWER,
            "Tag": {"type": "object", "additionalProperties": False, "required": ["name", "count", "url"],
                    "properties": {"name": {"type": "string"}, "count": {"type": "integer", "minimum": 1},
                                   "url": {"type": "string", "format": "uri"}}},
            "QuestionPage": _page_of("#/components/schemas/QuestionSummary"),
            "TagPage": _page_of("#/components/schemas/Tag"),
            "Error": {"type": "object", "required": ["code", "message"],
                      "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                     "error": {"type": "string"}, "status": {"type": "integer"}}},
        }},
    }
