"""The OpenAPI document: every operation lists the error answers it can give, once, here.

Endpoints declare only their successes (``response=...``). The error answers are the same
everywhere, because one set of exception handlers (samen/api/api.py) produces them from any
endpoint: a body that is not JSON or a bad cursor (400), a bad or missing credential (401),
a refusal (403), an unknown or invisible object (404), a state conflict (409), invalid input
(422) and a rate limit (429). So they are added to every operation when the document is
built rather than written beside each endpoint, where one would be forgotten.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation
from ninja.schema import NinjaGenerateJsonSchema

from samen.api.auth import TokenAuth, anonymous
from samen.api.errors import ErrorCode


class ErrorOut(Schema):
    """Every refusal of the API."""

    detail: str = Field(description="A readable sentence in the caller's language.")
    code: str = Field(description="A stable, machine-readable reason, e.g. not_found.")


class FieldErrorOut(Schema):
    loc: str = Field(description="The field, e.g. items.0.amount; empty for the whole input.")
    msg: str
    type: str


class ValidationErrorOut(ErrorOut):
    """A refusal of the input; `errors` lists each problem when the schema caught them."""

    errors: list[FieldErrorOut] | None = None


# status -> (the sentence of the document, the schema, the codes it mentions)
ERROR_ANSWERS: dict[int, tuple[str, type[Schema], tuple[ErrorCode, ...]]] = {
    400: (
        "The body is not valid JSON, or the cursor is not valid for this list.",
        ErrorOut,
        (ErrorCode.MALFORMED, ErrorCode.INVALID_CURSOR),
    ),
    401: (
        "Credentials are needed, or the bearer token is unknown, revoked or expired.",
        ErrorOut,
        (ErrorCode.NOT_AUTHENTICATED, ErrorCode.INVALID_TOKEN),
    ),
    403: (
        "The caller may not do this: a missing token scope, a role, or a failed CSRF check.",
        ErrorOut,
        (ErrorCode.PERMISSION_DENIED, ErrorCode.INSUFFICIENT_SCOPE, ErrorCode.CSRF_FAILED),
    ),
    404: ("Unknown, or not visible to the caller.", ErrorOut, (ErrorCode.NOT_FOUND,)),
    409: ("The request conflicts with the current state.", ErrorOut, (ErrorCode.CONFLICT,)),
    422: (
        "The input is not valid; `errors` lists each field's problem when known.",
        ValidationErrorOut,
        (ErrorCode.INVALID,),
    ),
    429: ("Too many requests; try again later.", ErrorOut, (ErrorCode.RATE_LIMITED,)),
}


class SamenOpenAPISchema(OpenAPISchema):
    """ninja's document with the error answers and honest security of every operation."""

    def responses(self, operation: Operation) -> dict[int, dict[str, Any]]:
        result = super().responses(operation)
        for status, (description, model, codes) in ERROR_ANSWERS.items():
            if status in result:
                continue
            examples = ", ".join(f"`{code.value}`" for code in codes)
            result[status] = {
                "description": f"{description} Codes include {examples}.",
                "content": {self.api.renderer.media_type: {"schema": self._component(model)}},
            }
        return result

    def _component(self, model: type[Schema]) -> dict[str, str]:
        """``model`` as a named component, referenced rather than repeated 1,000 times."""
        name = model.__name__
        if name not in self.schemas:
            schema = model.model_json_schema(
                ref_template=REF_TEMPLATE,
                schema_generator=NinjaGenerateJsonSchema,
                mode="serialization",
            )
            self.add_schema_definitions(schema.pop("$defs", {}))
            self.schemas[name] = schema
        return {"$ref": REF_TEMPLATE.format(model=name)}

    def operation_security(self, operation: Operation) -> list[dict[str, Any]] | None:
        """ninja lists only the credential schemes. Here the token scheme names the scope the
        operation needs (e.g. ``funding:write``), and an endpoint that also lets anonymous
        callers through says so with the empty requirement ``{}``, as OpenAPI means it."""
        result = super().operation_security(operation)
        if result is None:
            return None
        for callback in operation.auth_callbacks:
            if isinstance(callback, TokenAuth) and callback.scope is not None:
                for requirement in result:
                    if TokenAuth.__name__ in requirement:
                        requirement[TokenAuth.__name__] = [str(callback.scope)]
        if anonymous in operation.auth_callbacks:
            result.append({})
        return result
