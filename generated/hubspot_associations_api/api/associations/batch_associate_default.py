from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ...types import Response, http_status, path_segment

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.batch_input_public_default_association_multi_post import BatchInputPublicDefaultAssociationMultiPost
    from ...models.batch_response_public_default_association import BatchResponsePublicDefaultAssociation
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError


def _get_kwargs(
    from_object_type: str,
    to_object_type: str,
    *,
    body: BatchInputPublicDefaultAssociationMultiPost,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": f"/crm/v4/associations/{path_segment(from_object_type)}/{path_segment(to_object_type)}/batch/associate/default",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchResponsePublicDefaultAssociation | Error | RateLimitError | None:
    # hubspot-associations template: a body that does not match its schema (an HTML page from Cloudflare, an
    # empty or truncated body, a field missing from a real HubSpot error) leaves `parsed` as None and the raw
    # bytes in Response.content, instead of raising and losing the response.
    if client.raise_on_unexpected_status and not _is_documented_status(response.status_code):
        from ... import errors

        raise errors.UnexpectedStatus(response.status_code, response.content)
    try:
        return _parse_documented_response(response)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _is_documented_status(status_code: int) -> bool:
    if status_code == 200:
        return True
    if status_code == 207:
        return True
    if status_code == 400:
        return True
    if status_code == 401:
        return True
    if status_code == 403:
        return True
    if status_code == 404:
        return True
    if status_code == 429:
        return True
    if 500 <= status_code <= 599:
        return True
    return False


def _parse_documented_response(
    response: httpx.Response,
) -> BatchResponsePublicDefaultAssociation | Error | RateLimitError | None:
    # Imported on first use, not with the module (see the top of the module).
    from ...models.batch_response_public_default_association import BatchResponsePublicDefaultAssociation
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError

    if response.status_code == 200:
        response_200 = BatchResponsePublicDefaultAssociation.from_dict(response.json())

        return response_200

    if response.status_code == 207:
        response_207 = BatchResponsePublicDefaultAssociation.from_dict(response.json())

        return response_207

    if response.status_code == 400:
        response_400 = Error.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Error.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Error.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Error.from_dict(response.json())

        return response_404

    if response.status_code == 429:
        response_429 = RateLimitError.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = Error.from_dict(response.json())

        return response_5xx

    return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[BatchResponsePublicDefaultAssociation | Error | RateLimitError]:
    return Response(
        status_code=http_status(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicDefaultAssociationMultiPost,
) -> Response[BatchResponsePublicDefaultAssociation | Error | RateLimitError]:
    """Associate many record pairs with the default association type

     Creates the default (unlabelled) association for each pair in `inputs`, all of them between the same
    two
    object types, in one request (one request against the rate limit). HubSpot creates both directions
    of
    each pair, so `results` may list each pair twice.

    HubSpot documents no limit on the number of inputs: HubSpot's own tools send at most 100, production
    integrations up to 2,000 (the SDK's `docs/batch.md` §2). The call is idempotent.

    **Real traffic:** there is no input index in the answer. Which input a result belongs to is known
    from its
    ids; which input an `errors[]` item belongs to only from ids in its `context` values or its
    `message`,
    when it names any. Ids arrive as JSON numbers. HubSpot's spec declares only `200`; what this
    operation
    answers when some inputs fail (`200` with `errors[]`, or `207`) is unconfirmed, so both are
    declared,
    with the same body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicDefaultAssociationMultiPost): The body of `batchAssociateDefault`.
            Example: {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponsePublicDefaultAssociation | Error | RateLimitError]
    """

    kwargs = _get_kwargs(
        from_object_type=from_object_type,
        to_object_type=to_object_type,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicDefaultAssociationMultiPost,
) -> BatchResponsePublicDefaultAssociation | Error | RateLimitError | None:
    """Associate many record pairs with the default association type

     Creates the default (unlabelled) association for each pair in `inputs`, all of them between the same
    two
    object types, in one request (one request against the rate limit). HubSpot creates both directions
    of
    each pair, so `results` may list each pair twice.

    HubSpot documents no limit on the number of inputs: HubSpot's own tools send at most 100, production
    integrations up to 2,000 (the SDK's `docs/batch.md` §2). The call is idempotent.

    **Real traffic:** there is no input index in the answer. Which input a result belongs to is known
    from its
    ids; which input an `errors[]` item belongs to only from ids in its `context` values or its
    `message`,
    when it names any. Ids arrive as JSON numbers. HubSpot's spec declares only `200`; what this
    operation
    answers when some inputs fail (`200` with `errors[]`, or `207`) is unconfirmed, so both are
    declared,
    with the same body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicDefaultAssociationMultiPost): The body of `batchAssociateDefault`.
            Example: {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponsePublicDefaultAssociation | Error | RateLimitError
    """

    return sync_detailed(
        from_object_type=from_object_type,
        to_object_type=to_object_type,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicDefaultAssociationMultiPost,
) -> Response[BatchResponsePublicDefaultAssociation | Error | RateLimitError]:
    """Associate many record pairs with the default association type

     Creates the default (unlabelled) association for each pair in `inputs`, all of them between the same
    two
    object types, in one request (one request against the rate limit). HubSpot creates both directions
    of
    each pair, so `results` may list each pair twice.

    HubSpot documents no limit on the number of inputs: HubSpot's own tools send at most 100, production
    integrations up to 2,000 (the SDK's `docs/batch.md` §2). The call is idempotent.

    **Real traffic:** there is no input index in the answer. Which input a result belongs to is known
    from its
    ids; which input an `errors[]` item belongs to only from ids in its `context` values or its
    `message`,
    when it names any. Ids arrive as JSON numbers. HubSpot's spec declares only `200`; what this
    operation
    answers when some inputs fail (`200` with `errors[]`, or `207`) is unconfirmed, so both are
    declared,
    with the same body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicDefaultAssociationMultiPost): The body of `batchAssociateDefault`.
            Example: {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponsePublicDefaultAssociation | Error | RateLimitError]
    """

    kwargs = _get_kwargs(
        from_object_type=from_object_type,
        to_object_type=to_object_type,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    from_object_type: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient | Client,
    body: BatchInputPublicDefaultAssociationMultiPost,
) -> BatchResponsePublicDefaultAssociation | Error | RateLimitError | None:
    """Associate many record pairs with the default association type

     Creates the default (unlabelled) association for each pair in `inputs`, all of them between the same
    two
    object types, in one request (one request against the rate limit). HubSpot creates both directions
    of
    each pair, so `results` may list each pair twice.

    HubSpot documents no limit on the number of inputs: HubSpot's own tools send at most 100, production
    integrations up to 2,000 (the SDK's `docs/batch.md` §2). The call is idempotent.

    **Real traffic:** there is no input index in the answer. Which input a result belongs to is known
    from its
    ids; which input an `errors[]` item belongs to only from ids in its `context` values or its
    `message`,
    when it names any. Ids arrive as JSON numbers. HubSpot's spec declares only `200`; what this
    operation
    answers when some inputs fail (`200` with `errors[]`, or `207`) is unconfirmed, so both are
    declared,
    with the same body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicDefaultAssociationMultiPost): The body of `batchAssociateDefault`.
            Example: {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponsePublicDefaultAssociation | Error | RateLimitError
    """

    return (
        await asyncio_detailed(
            from_object_type=from_object_type,
            to_object_type=to_object_type,
            client=client,
            body=body,
        )
    ).parsed
