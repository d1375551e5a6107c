from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from ...types import Response, http_status, path_segment

if TYPE_CHECKING:
    from ...client import AuthenticatedClient, Client
    from ...models.batch_input_public_fetch_associations_batch_request import (
        BatchInputPublicFetchAssociationsBatchRequest,
    )
    from ...models.batch_response_public_association_multi_with_label import (
        BatchResponsePublicAssociationMultiWithLabel,
    )
    from ...models.batch_response_public_association_multi_with_label_with_errors import (
        BatchResponsePublicAssociationMultiWithLabelWithErrors,
    )
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError


def _get_kwargs(
    from_object_type: str,
    to_object_type: str,
    *,
    body: BatchInputPublicFetchAssociationsBatchRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": f"/crm/v4/associations/{path_segment(from_object_type)}/{path_segment(to_object_type)}/batch/read",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    BatchResponsePublicAssociationMultiWithLabel
    | BatchResponsePublicAssociationMultiWithLabelWithErrors
    | Error
    | RateLimitError
    | None
):
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
) -> (
    BatchResponsePublicAssociationMultiWithLabel
    | BatchResponsePublicAssociationMultiWithLabelWithErrors
    | Error
    | RateLimitError
    | None
):
    # Imported on first use, not with the module (see the top of the module).
    from ...models.batch_response_public_association_multi_with_label import (
        BatchResponsePublicAssociationMultiWithLabel,
    )
    from ...models.batch_response_public_association_multi_with_label_with_errors import (
        BatchResponsePublicAssociationMultiWithLabelWithErrors,
    )
    from ...models.error import Error
    from ...models.rate_limit_error import RateLimitError

    if response.status_code == 200:
        response_200 = BatchResponsePublicAssociationMultiWithLabel.from_dict(response.json())

        return response_200

    if response.status_code == 207:
        response_207 = BatchResponsePublicAssociationMultiWithLabelWithErrors.from_dict(response.json())

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
) -> Response[
    BatchResponsePublicAssociationMultiWithLabel
    | BatchResponsePublicAssociationMultiWithLabelWithErrors
    | Error
    | RateLimitError
]:
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
    client: AuthenticatedClient,
    body: BatchInputPublicFetchAssociationsBatchRequest,
) -> Response[
    BatchResponsePublicAssociationMultiWithLabel
    | BatchResponsePublicAssociationMultiWithLabelWithErrors
    | Error
    | RateLimitError
]:
    """Read the associations of many records to an object type

     For each record id in `inputs`, its associations to `toObjectType`: one result per record that has
    any, each with its own `paging.next.after` when more remain (send the id again with that `after`).
    **At most 1,000 inputs** a request since 2025-02-10 (HubSpot changelog; more: a `400`).

    **Real traffic:** `207` when some inputs failed, with one `errors[]` item per problem and the
    results of
    the others (HubSpot's PHP SDK loses them: hubspot-api-php#619). A record with no associations gets
    no result (and, on some portals, an error item naming it).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicFetchAssociationsBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponsePublicAssociationMultiWithLabel | BatchResponsePublicAssociationMultiWithLabelWithErrors | Error | RateLimitError]
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
    client: AuthenticatedClient,
    body: BatchInputPublicFetchAssociationsBatchRequest,
) -> (
    BatchResponsePublicAssociationMultiWithLabel
    | BatchResponsePublicAssociationMultiWithLabelWithErrors
    | Error
    | RateLimitError
    | None
):
    """Read the associations of many records to an object type

     For each record id in `inputs`, its associations to `toObjectType`: one result per record that has
    any, each with its own `paging.next.after` when more remain (send the id again with that `after`).
    **At most 1,000 inputs** a request since 2025-02-10 (HubSpot changelog; more: a `400`).

    **Real traffic:** `207` when some inputs failed, with one `errors[]` item per problem and the
    results of
    the others (HubSpot's PHP SDK loses them: hubspot-api-php#619). A record with no associations gets
    no result (and, on some portals, an error item naming it).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicFetchAssociationsBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponsePublicAssociationMultiWithLabel | BatchResponsePublicAssociationMultiWithLabelWithErrors | Error | RateLimitError
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
    client: AuthenticatedClient,
    body: BatchInputPublicFetchAssociationsBatchRequest,
) -> Response[
    BatchResponsePublicAssociationMultiWithLabel
    | BatchResponsePublicAssociationMultiWithLabelWithErrors
    | Error
    | RateLimitError
]:
    """Read the associations of many records to an object type

     For each record id in `inputs`, its associations to `toObjectType`: one result per record that has
    any, each with its own `paging.next.after` when more remain (send the id again with that `after`).
    **At most 1,000 inputs** a request since 2025-02-10 (HubSpot changelog; more: a `400`).

    **Real traffic:** `207` when some inputs failed, with one `errors[]` item per problem and the
    results of
    the others (HubSpot's PHP SDK loses them: hubspot-api-php#619). A record with no associations gets
    no result (and, on some portals, an error item naming it).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicFetchAssociationsBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchResponsePublicAssociationMultiWithLabel | BatchResponsePublicAssociationMultiWithLabelWithErrors | Error | RateLimitError]
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
    client: AuthenticatedClient,
    body: BatchInputPublicFetchAssociationsBatchRequest,
) -> (
    BatchResponsePublicAssociationMultiWithLabel
    | BatchResponsePublicAssociationMultiWithLabelWithErrors
    | Error
    | RateLimitError
    | None
):
    """Read the associations of many records to an object type

     For each record id in `inputs`, its associations to `toObjectType`: one result per record that has
    any, each with its own `paging.next.after` when more remain (send the id again with that `after`).
    **At most 1,000 inputs** a request since 2025-02-10 (HubSpot changelog; more: a `400`).

    **Real traffic:** `207` when some inputs failed, with one `errors[]` item per problem and the
    results of
    the others (HubSpot's PHP SDK loses them: hubspot-api-php#619). A record with no associations gets
    no result (and, on some portals, an error item naming it).

    **Scopes:** `crm.objects.<type>.read` for the object types on both ends.

    Args:
        from_object_type (str):
        to_object_type (str):
        body (BatchInputPublicFetchAssociationsBatchRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchResponsePublicAssociationMultiWithLabel | BatchResponsePublicAssociationMultiWithLabelWithErrors | Error | RateLimitError
    """

    return (
        await asyncio_detailed(
            from_object_type=from_object_type,
            to_object_type=to_object_type,
            client=client,
            body=body,
        )
    ).parsed
