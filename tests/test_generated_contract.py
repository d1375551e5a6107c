"""The contract between the generated client and the overlay: the only generated functions the SDK calls.

``_base_client`` builds every request from ``_get_kwargs`` of the four operations and reads exactly the keys
``method``, ``url``, ``json`` and ``headers`` (``params`` if ever present). If a generator upgrade or a template
change alters this shape, these tests fail before the SDK sends something else. See ``generated/README.md``.
"""

from __future__ import annotations

from typing import Any

import httpx

from hubspot_associations import AssociationSpec, HubSpotAssociations
from hubspot_associations_api.api.associations import (
    associate_default,
    associate_with_labels,
    batch_associate_default,
    batch_create,
)
from hubspot_associations_api.models import AssociationSpec as WireSpec
from hubspot_associations_api.models import AssociationSpecAssociationCategory as Category
from hubspot_associations_api.models import (
    BatchInputPublicAssociationMultiPost,
    BatchInputPublicDefaultAssociationMultiPost,
    PublicAssociationMultiPost,
    PublicDefaultAssociationMultiPost,
    PublicObjectId,
)
from tests.support import PAIR, Server

READ_BY_THE_OVERLAY = {"method", "url", "json", "headers", "params"}


def test_default_kwargs_shape() -> None:
    kwargs: dict[str, Any] = associate_default._get_kwargs("contacts", "101", "companies", "202")
    assert kwargs == {"method": "put", "url": "/crm/v4/objects/contacts/101/associations/default/companies/202"}


def test_labelled_kwargs_shape() -> None:
    kwargs: dict[str, Any] = associate_with_labels._get_kwargs(
        "0-1", "101", "0-2", "202", body=[WireSpec(Category.USER_DEFINED, 36), WireSpec(Category.HUBSPOT_DEFINED, 1)]
    )
    assert kwargs == {
        "method": "put",
        "url": "/crm/v4/objects/0-1/101/associations/0-2/202",
        "json": [
            {"associationCategory": "USER_DEFINED", "associationTypeId": 36},
            {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1},
        ],
        "headers": {"Content-Type": "application/json"},
    }
    assert set(kwargs) <= READ_BY_THE_OVERLAY


def test_path_segments_are_percent_encoded() -> None:
    # The overlay validates ids and types first; the generated URL still encodes each segment on its own.
    kwargs: dict[str, Any] = associate_default._get_kwargs("p_my/obj", "1 2", "companies", "a?b#c")
    assert kwargs["url"] == "/crm/v4/objects/p_my%2Fobj/1%202/associations/default/companies/a%3Fb%23c"


def test_the_overlay_sends_what_get_kwargs_describes() -> None:
    server = Server(httpx.Response(201, json=PAIR))
    with HubSpotAssociations("pat-na1-00000000-0000-0000-0000-000000000000", http_client=server.http()) as client:
        client.associate("contacts", 101, "companies", 202, [AssociationSpec("USER_DEFINED", 36)])
    (request,) = server.requests
    expected = associate_with_labels._get_kwargs(
        "contacts", "101", "companies", "202", body=[WireSpec(Category.USER_DEFINED, 36)]
    )
    assert request.method == expected["method"].upper()
    assert request.url == httpx.URL("https://api.hubapi.com" + expected["url"])
    assert httpx.Request("PUT", "https://x", json=expected["json"]).content == request.content
    assert request.headers["Content-Type"] == expected["headers"]["Content-Type"]


def test_batch_kwargs_shapes() -> None:
    pair = (PublicObjectId("101"), PublicObjectId("202"))
    default: dict[str, Any] = batch_associate_default._get_kwargs(
        "contacts", "0-2", body=BatchInputPublicDefaultAssociationMultiPost([PublicDefaultAssociationMultiPost(*pair)])
    )
    assert default == {
        "method": "post",
        "url": "/crm/v4/associations/contacts/0-2/batch/associate/default",
        "json": {"inputs": [{"from": {"id": "101"}, "to": {"id": "202"}}]},
        "headers": {"Content-Type": "application/json"},
    }
    body = BatchInputPublicAssociationMultiPost(
        [PublicAssociationMultiPost(*pair, [WireSpec(Category.USER_DEFINED, 36)])]
    )
    labelled: dict[str, Any] = batch_create._get_kwargs("contacts", "companies", body=body)
    assert labelled == {
        "method": "post",
        "url": "/crm/v4/associations/contacts/companies/batch/create",
        "json": {
            "inputs": [
                {
                    "from": {"id": "101"},
                    "to": {"id": "202"},
                    "types": [{"associationCategory": "USER_DEFINED", "associationTypeId": 36}],
                }
            ]
        },
        "headers": {"Content-Type": "application/json"},
    }
    assert set(default) <= READ_BY_THE_OVERLAY and set(labelled) <= READ_BY_THE_OVERLAY
