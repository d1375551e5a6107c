from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ...types import UNSET, Response, http_status, path_segment

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.collection_response_multi_associated_object_with_label import (
        CollectionResponseMultiAssociatedObjectWithLabel,
    )
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError
    from ...types import UNSET, Unset


def _get_kwargs(
    object_type: str,
    object_id: str,
    to_object_type: str,
    *,
    after: str | Unset = UNSET,
    limit: int | Unset = 500,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": f"/crm/v4/objects/{path_segment(object_type)}/{path_segment(object_id)}/associations/{path_segment(to_object_type)}",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError | None:
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
) -> CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError | None:
    # Imported on first use, not with the module (see the top of the module).
    from ...models.collection_response_multi_associated_object_with_label import (
        CollectionResponseMultiAssociatedObjectWithLabel,
    )
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError

    if response.status_code == 200:
        response_200 = CollectionResponseMultiAssociatedObjectWithLabel.from_dict(response.json())

        return response_200

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
) -> Response[CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError]:
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
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    limit: int | Unset = 500,
) -> Response[CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError]:
    """One page of a record's associations to an object type

     The records of `toObjectType` associated with one record, each with every association type between
    the
    two, at most `limit` (≤ 500) a page. When more remain, `paging.next.after` is the cursor to pass as
    `after` for the next page; the last page has no `paging`. The SDK follows the pages for you, bounded
    (`docs/read-and-remove.md`).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        after (str | Unset):
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError]
    """

    kwargs = _get_kwargs(
        object_type=object_type,
        object_id=object_id,
        to_object_type=to_object_type,
        after=after,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    object_type: str,
    object_id: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    limit: int | Unset = 500,
) -> CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError | None:
    """One page of a record's associations to an object type

     The records of `toObjectType` associated with one record, each with every association type between
    the
    two, at most `limit` (≤ 500) a page. When more remain, `paging.next.after` is the cursor to pass as
    `after` for the next page; the last page has no `paging`. The SDK follows the pages for you, bounded
    (`docs/read-and-remove.md`).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        after (str | Unset):
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError
    """

    return sync_detailed(
        object_type=object_type,
        object_id=object_id,
        to_object_type=to_object_type,
        client=client,
        after=after,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    object_type: str,
    object_id: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    limit: int | Unset = 500,
) -> Response[CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError]:
    """One page of a record's associations to an object type

     The records of `toObjectType` associated with one record, each with every association type between
    the
    two, at most `limit` (≤ 500) a page. When more remain, `paging.next.after` is the cursor to pass as
    `after` for the next page; the last page has no `paging`. The SDK follows the pages for you, bounded
    (`docs/read-and-remove.md`).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        after (str | Unset):
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError]
    """

    kwargs = _get_kwargs(
        object_type=object_type,
        object_id=object_id,
        to_object_type=to_object_type,
        after=after,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    object_type: str,
    object_id: str,
    to_object_type: str,
    *,
    client: AuthenticatedClient,
    after: str | Unset = UNSET,
    limit: int | Unset = 500,
) -> CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError | None:
    """One page of a record's associations to an object type

     The records of `toObjectType` associated with one record, each with every association type between
    the
    two, at most `limit` (≤ 500) a page. When more remain, `paging.next.after` is the cursor to pass as
    `after` for the next page; the last page has no `paging`. The SDK follows the pages for you, bounded
    (`docs/read-and-remove.md`).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        object_type (str):
        object_id (str):
        to_object_type (str):
        after (str | Unset):
        limit (int | Unset):  Default: 500.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CollectionResponseMultiAssociatedObjectWithLabel | Error | RateLimitError
    """

    return (
        await asyncio_detailed(
            object_type=object_type,
            object_id=object_id,
            to_object_type=to_object_type,
            client=client,
            after=after,
            limit=limit,
        )
    ).parsed
