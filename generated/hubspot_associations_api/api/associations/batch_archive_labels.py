from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

from ...types import Response, http_status, path_segment

if TYPE_CHECKING:
    from typing import cast

    from ...client import AuthenticatedClient, Client
    from ...models.batch_input_public_association_multi_post import BatchInputPublicAssociationMultiPost
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError


def _get_kwargs(
    from_object_type: str,
    to_object_type: str,
    *,
    body: BatchInputPublicAssociationMultiPost,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": f"/crm/v4/associations/{path_segment(from_object_type)}/{path_segment(to_object_type)}/batch/labels/archive",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | Error | RateLimitError | None:
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
    if status_code == 204:
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


def _parse_documented_response(response: httpx.Response) -> Any | Error | RateLimitError | None:
    # Imported on first use, not with the module (see the top of the module).
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | Error | RateLimitError]:
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
    body: BatchInputPublicAssociationMultiPost,
) -> Response[Any | Error | RateLimitError]:
    """Remove specific association types (labels) between many record pairs

     For each input, removes the given association types between the pair and keeps the others. The body
    is
    the shape of `batchCreate`'s. Idempotent; `204` with no body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The body of `batchCreate`. Example:
            {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}, 'types': [{'associationCategory':
            'HUBSPOT_DEFINED', 'associationTypeId': 279}]}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | RateLimitError]
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
    body: BatchInputPublicAssociationMultiPost,
) -> Any | Error | RateLimitError | None:
    """Remove specific association types (labels) between many record pairs

     For each input, removes the given association types between the pair and keeps the others. The body
    is
    the shape of `batchCreate`'s. Idempotent; `204` with no body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The body of `batchCreate`. Example:
            {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}, 'types': [{'associationCategory':
            'HUBSPOT_DEFINED', 'associationTypeId': 279}]}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | RateLimitError
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
    body: BatchInputPublicAssociationMultiPost,
) -> Response[Any | Error | RateLimitError]:
    """Remove specific association types (labels) between many record pairs

     For each input, removes the given association types between the pair and keeps the others. The body
    is
    the shape of `batchCreate`'s. Idempotent; `204` with no body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The body of `batchCreate`. Example:
            {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}, 'types': [{'associationCategory':
            'HUBSPOT_DEFINED', 'associationTypeId': 279}]}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | RateLimitError]
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
    body: BatchInputPublicAssociationMultiPost,
) -> Any | Error | RateLimitError | None:
    """Remove specific association types (labels) between many record pairs

     For each input, removes the given association types between the pair and keeps the others. The body
    is
    the shape of `batchCreate`'s. Idempotent; `204` with no body.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicAssociationMultiPost): The body of `batchCreate`. Example:
            {'inputs': [{'from': {'id': '101'}, 'to': {'id': '202'}, 'types': [{'associationCategory':
            'HUBSPOT_DEFINED', 'associationTypeId': 279}]}]}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | RateLimitError
    """

    return (
        await asyncio_detailed(
            from_object_type=from_object_type,
            to_object_type=to_object_type,
            client=client,
            body=body,
        )
    ).parsed
