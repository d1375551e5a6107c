from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import httpx

from ...types import Response, http_status, path_segment

if TYPE_CHECKING:
    from typing import cast

    from ...client import AuthenticatedClient, Client
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError


def _get_kwargs(
    object_type: str,
    object_id: str,
    to_object_type: str,
    to_object_id: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": f"/crm/v4/objects/{path_segment(object_type)}/{path_segment(object_id)}/associations/{path_segment(to_object_type)}/{path_segment(to_object_id)}",
    }

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
    object_type: str,
    object_id: str,
    to_object_type: str,
    to_object_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Error | RateLimitError]:
    """Remove every association between two records

     Removes all associations (every type and label, in both directions) between two records. Idempotent:
    removing associations that do not exist also answers `204`. To remove only some labels, use
    `batchArchiveLabels`.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        to_object_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | RateLimitError]
    """

    kwargs = _get_kwargs(
        object_type=object_type,
        object_id=object_id,
        to_object_type=to_object_type,
        to_object_id=to_object_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    object_type: str,
    object_id: str,
    to_object_type: str,
    to_object_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Error | RateLimitError | None:
    """Remove every association between two records

     Removes all associations (every type and label, in both directions) between two records. Idempotent:
    removing associations that do not exist also answers `204`. To remove only some labels, use
    `batchArchiveLabels`.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        to_object_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | RateLimitError
    """

    return sync_detailed(
        object_type=object_type,
        object_id=object_id,
        to_object_type=to_object_type,
        to_object_id=to_object_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    object_type: str,
    object_id: str,
    to_object_type: str,
    to_object_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | Error | RateLimitError]:
    """Remove every association between two records

     Removes all associations (every type and label, in both directions) between two records. Idempotent:
    removing associations that do not exist also answers `204`. To remove only some labels, use
    `batchArchiveLabels`.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        to_object_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | Error | RateLimitError]
    """

    kwargs = _get_kwargs(
        object_type=object_type,
        object_id=object_id,
        to_object_type=to_object_type,
        to_object_id=to_object_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    object_type: str,
    object_id: str,
    to_object_type: str,
    to_object_id: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | Error | RateLimitError | None:
    """Remove every association between two records

     Removes all associations (every type and label, in both directions) between two records. Idempotent:
    removing associations that do not exist also answers `204`. To remove only some labels, use
    `batchArchiveLabels`.

    **Scopes:** `crm.objects.<type>.write` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        to_object_id (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | Error | RateLimitError
    """

    return (
        await asyncio_detailed(
            object_type=object_type,
            object_id=object_id,
            to_object_type=to_object_type,
            to_object_id=to_object_id,
            client=client,
        )
    ).parsed
