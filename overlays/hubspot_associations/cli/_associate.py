"""The ``associate`` command: one pair of records, the default association or the ``--type`` ones."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation, LabelsBetweenObjectPair

from .._api_versions import DEFAULT_API_VERSION
from .._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES
from .._errors import APIStatusError, BadRequestError, HubSpotError, PermissionDeniedError
from .._models import AssociationSpec, spec_from_text
from .._oauth import OAuthRefreshError
from .._validation import InvalidInputError, validate_object_id, validate_object_type
from ._connection import (
    ApiVersionOption,
    BaseUrlOption,
    ClientIdOption,
    ClientSecretOption,
    MaxRetriesOption,
    RefreshTokenOption,
    TokenOption,
    build_client,
)
from ._output import EXIT_FAILED, EXIT_INTERRUPTED, escape, fail, plural, stdout_console

__all__ = ["associate", "parse_type_option"]


def parse_type_option(value: str) -> AssociationSpec:
    """``"279"`` → HUBSPOT_DEFINED 279; ``"36:USER_DEFINED"`` → USER_DEFINED 36 (category case-insensitive)."""
    type_id, _, category = value.partition(":")
    try:
        return spec_from_text(type_id.strip(), category.strip())
    except InvalidInputError as exc:
        raise typer.BadParameter(
            f"expected ID[:CATEGORY] such as 279 or 36:USER_DEFINED; in {value!r} the {exc.argument} {exc.reason}",
            param_hint="--type",
        ) from None


def _result_json(result: BatchResponsePublicDefaultAssociation | LabelsBetweenObjectPair) -> dict[str, Any]:
    return result.to_dict()


def _describe(
    result: BatchResponsePublicDefaultAssociation | LabelsBetweenObjectPair, from_type: str, to_type: str
) -> list[str]:
    if isinstance(result, LabelsBetweenObjectPair):
        labels = ", ".join(result.labels) if result.labels else "(unlabelled types only)"
        return [
            f"Associated {from_type} {result.from_object_id} → {to_type} {result.to_object_id} "
            f"({result.from_object_type_id} → {result.to_object_type_id}); labels: {labels}"
        ]
    lines = []
    for index, item in enumerate(result.results):
        direction = (from_type, to_type) if index == 0 else (to_type, from_type)
        lines.append(
            f"Default association {direction[0]} {item.from_.id} → {direction[1]} {item.to.id} "
            f"(type {item.association_spec.association_type_id}, {item.association_spec.association_category.value})"
        )
    return lines


def _error_json(error: BaseException) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, HubSpotError) and error.attempts is not None:
        body["attempts"] = error.attempts
    if isinstance(error, APIStatusError):
        body.update(status=error.status_code, category=error.category, correlation_id=error.correlation_id)
    if isinstance(error, BadRequestError):  # the reasons str(error) names, as lists
        body.update(
            invalid_object_ids=list(error.invalid_object_ids),
            invalid_association_type_ids=list(error.invalid_association_type_ids),
        )
    return body


def associate(
    from_type: Annotated[
        str, typer.Argument(metavar="FROM_TYPE", help="Object type, e.g. contacts, 0-1, p_cars.", show_default=False)
    ],
    from_id: Annotated[str, typer.Argument(metavar="FROM_ID", help="Record id.", show_default=False)],
    to_type: Annotated[
        str, typer.Argument(metavar="TO_TYPE", help="Object type of the other record.", show_default=False)
    ],
    to_id: Annotated[str, typer.Argument(metavar="TO_ID", help="Record id of the other record.", show_default=False)],
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            metavar="ID[:CATEGORY]",
            show_default=False,
            help="Association type (repeatable); CATEGORY defaults to HUBSPOT_DEFINED. Without it: the default "
            "association.",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result (or error) as JSON.")] = False,
    token: TokenOption = None,
    client_id: ClientIdOption = None,
    client_secret: ClientSecretOption = None,
    refresh_token: RefreshTokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    api_version: ApiVersionOption = DEFAULT_API_VERSION,
    max_retries: MaxRetriesOption = DEFAULT_MAX_RETRIES,
) -> None:
    """Associate two records: the default association, or the types given with --type.

    Example: hubspot-associations associate contacts 101 companies 202 --type 1
    """
    specs = [parse_type_option(value) for value in types or ()]
    try:
        validate_object_type(from_type, "FROM_TYPE")
        validate_object_id(from_id, "FROM_ID")
        validate_object_type(to_type, "TO_TYPE")
        validate_object_id(to_id, "TO_ID")
    except InvalidInputError as exc:
        raise typer.BadParameter(exc.reason, param_hint=exc.argument) from None
    client = build_client(
        token=token,
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        base_url=base_url,
        api_version=api_version,
        max_retries=max_retries,
    )
    with client:
        try:
            raw: Any
            if specs:
                raw = client.with_raw_response.associate(from_type, from_id, to_type, to_id, specs)
            else:
                raw = client.with_raw_response.associate_default(from_type, from_id, to_type, to_id)
        except KeyboardInterrupt:
            fail(
                "interrupted: the association may or may not exist now (running it again is harmless)", EXIT_INTERRUPTED
            )
        except (HubSpotError, OAuthRefreshError) as error:
            if json_output:
                typer.echo(json.dumps({"ok": False, "error": _error_json(error)}, indent=2))
                raise typer.Exit(EXIT_FAILED) from None
            hint = ""
            if isinstance(error, PermissionDeniedError) and error.missing_scopes:
                hint = f" (missing scopes: {', '.join(error.missing_scopes)})"
            fail(f"{error}{hint}", EXIT_FAILED)
    if json_output:
        body = {
            "ok": True,
            "result": _result_json(raw.parsed),
            "correlation_id": raw.correlation_id,
            "attempts": raw.attempts,
        }
        typer.echo(json.dumps(body, indent=2))
        return
    out = stdout_console()
    for line in _describe(raw.parsed, from_type, to_type):
        out.print(f"[green]✓[/] {escape(line)}")
    retries = f", {plural(raw.attempts - 1, 'retry', 'retries')} absorbed" if raw.attempts > 1 else ""
    out.print(f"[dim]correlation id {escape(raw.correlation_id or '-')}{retries}[/]")  # the server's text
