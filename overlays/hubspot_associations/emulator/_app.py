"""The Starlette app: association PUTs, DELETE and paged GET, batch POSTs (create, read, archive), OAuth token refresh
and ``/_emulator`` inspection and admin routes."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import anyio
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .._api_versions import API_VERSIONS, V4_ASSOCIATIONS, V4_OBJECTS, ApiVersion
from . import _batch, _errors
from . import _facts as facts
from ._catalog import Catalog, ObjectType
from ._config import EmulatorConfig
from ._faults import DroppedResponse, cloudflare_html
from ._specs import parse_specs
from ._state import Association, EmulatorState, TokenGrant

_CORRELATION = facts.CORRELATION_HEADER


class _TypePair(NamedTuple):
    from_type: ObjectType
    to_type: ObjectType


Handler = Callable[[Request], Awaitable[Response]]
Responder = Callable[[Request, TokenGrant, bool, float, str, dict[str, str]], Awaitable[Response]]
"""What ``_Emulator._serve`` hands an authenticated, paced request to: (request, grant, labelled, started,
correlation id, headers)."""
_log = logging.getLogger(__name__)


class HubSpotJSONResponse(JSONResponse):
    """A JSON body with HubSpot's exact ``Content-Type``."""

    media_type = facts.JSON_CONTENT_TYPE


def _iso(epoch_s: float) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z``, as HubSpot writes timestamps."""
    moment = datetime.fromtimestamp(epoch_s, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _error(error: _errors.ErrorBody, correlation_id: str, headers: dict[str, str]) -> JSONResponse:
    status, body = error
    body = {"status": body.pop("status"), "message": body.pop("message"), "correlationId": correlation_id, **body}
    return HubSpotJSONResponse(body, status_code=status, headers=headers)


def _new_correlation() -> tuple[str, dict[str, str]]:
    correlation_id = str(uuid.uuid4())
    return correlation_id, {_CORRELATION: correlation_id}


class _Emulator:
    """Request handlers bound to one :class:`EmulatorState`."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    @property
    def config(self) -> EmulatorConfig:
        return self.state.config  # read per request: EmulatorState.reconfigure may swap it

    @property
    def catalog(self) -> Catalog:
        return self.state.catalog

    def guarded(self, handler: Handler) -> Handler:
        """Wrap a handler so that a bug answers HubSpot's JSON 500 (never Starlette's text/plain one)."""

        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception:
                _log.exception("emulator handler failed on %s %s", request.method, request.scope["path"])
                correlation_id, headers = _new_correlation()
                return _error(_errors.internal_error(), correlation_id, headers)

        return endpoint

    def recorded(self, handler: Handler) -> Handler:
        """Wrap a handler so every answer (or drop, as status 0) lands in the request log."""
        guarded = self.guarded(handler)

        async def endpoint(request: Request) -> Response:
            response = await guarded(request)
            status = 0 if isinstance(response, DroppedResponse) else response.status_code
            self.state.record(request.method, request.scope["path"], status)
            return response

        return endpoint

    # -- association PUTs ----------------------------------------------------------------------------------------

    async def put_default(self, request: Request) -> Response:
        """``PUT .../associations/default/{toObjectType}/{toObjectId}``."""
        return await self._serve(request, labelled=False, batch=False)

    async def put_labelled(self, request: Request) -> Response:
        """``PUT .../associations/{toObjectType}/{toObjectId}`` with a JSON array of specs."""
        return await self._serve(request, labelled=True, batch=False)

    async def batch_default(self, request: Request) -> Response:
        """``POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default``."""
        return await self._serve(request, labelled=False, batch=True)

    async def batch_create(self, request: Request) -> Response:
        """``POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create``."""
        return await self._serve(request, labelled=True, batch=True)

    async def remove_pair(self, request: Request) -> Response:
        """``DELETE .../associations/{toObjectType}/{toObjectId}``: every association of the pair, 204."""
        return await self._serve(request, labelled=False, batch=False, respond=self._remove_pair)

    async def list_page(self, request: Request) -> Response:
        """``GET .../associations/{toObjectType}?after=&limit=``: one page of a record's associations."""
        return await self._serve(request, labelled=False, batch=False, respond=self._read_page)

    async def batch_read(self, request: Request) -> Response:
        """``POST .../batch/read``: each id's associations (one page each), 207 with errors for unknown ids."""
        return await self._serve(request, labelled=False, batch=True, respond=self._batch_read)

    async def batch_archive(self, request: Request) -> Response:
        """``POST .../batch/archive``: every association of each pair, 204."""
        return await self._serve(request, labelled=False, batch=True, respond=self._archive)

    async def batch_archive_labels(self, request: Request) -> Response:
        """``POST .../batch/labels/archive``: only the given types of each pair, 204."""
        return await self._serve(request, labelled=True, batch=True, respond=self._archive)

    async def _serve(
        self, request: Request, *, labelled: bool, batch: bool, respond: Responder | None = None
    ) -> Response:
        """What every association request goes through: authentication, one unit of quota (a batch too), an
        injected fault, then the operation itself."""
        started = self.state.clock.time()
        correlation_id, headers = _new_correlation()
        if self.config.latency_s > 0:
            await anyio.sleep(self.config.latency_s)  # anyio: served in process under trio too (ASGITransport)
        grant = self._authenticate(request, headers)
        if not isinstance(grant, TokenGrant):
            return _error(grant, correlation_id, headers)
        decision = self.state.consume_quota(grant)
        headers.update(decision.headers)
        if decision.policy is not None:
            error = _errors.rate_limited(decision.policy, self.config.portal_id, str(uuid.uuid4()))
            return _error(error, correlation_id, headers)
        fault = self.state.draw_fault()
        if fault is not None and fault in facts.HTML_FAULTS:
            return cloudflare_html(facts.HTML_FAULTS[fault], headers)
        if fault == "500":
            return _error(_errors.internal_error(), correlation_id, headers)
        if fault == "503":
            return _error(_errors.service_unavailable(), correlation_id, headers)
        if fault == "drop":
            return DroppedResponse(headers)
        if respond is None:
            respond = self._batch if batch else self._associate
        response = await respond(request, grant, labelled, started, correlation_id, headers)
        if fault == "drop_after_commit":
            return DroppedResponse(headers)
        return response

    def _authenticate(self, request: Request, headers: dict[str, str]) -> TokenGrant | _errors.ErrorBody:
        authorization = request.headers.get("authorization", "")
        scheme, _, token = authorization.partition(" ")
        grant = self.state.token(token.strip()) if scheme.lower() == "bearer" else None
        if grant is None:
            headers[facts.AUTH_FAILURE_HEADER] = facts.AUTH_FAILURE_VALUE
            return _errors.invalid_authentication()
        now = self.state.clock.time()
        if grant.expires_at is not None and grant.expires_at <= now:
            headers[facts.AUTH_FAILURE_HEADER] = facts.AUTH_FAILURE_VALUE
            return _errors.expired_authentication(int(now - grant.expires_at), _iso(grant.expires_at))
        return grant

    def _object_types(self, params: dict[str, Any], grant: TokenGrant) -> _TypePair | _errors.ErrorBody:
        """The path's two object types, if the portal knows them and the token may write both."""
        from_type = self.catalog.object_type(params["from_type"])
        if from_type is None:
            return _errors.unknown_object_type(params["from_type"])
        to_type = self.catalog.object_type(params["to_type"])
        if to_type is None:
            return _errors.unknown_object_type(params["to_type"])
        required = [t.write_scope for t in (from_type, to_type) if t.write_scope not in grant.scopes]
        if required:
            return _errors.missing_scopes(sorted(set(required)))
        return _TypePair(from_type, to_type)

    async def _associate(
        self,
        request: Request,
        grant: TokenGrant,
        labelled: bool,
        started: float,
        correlation_id: str,
        headers: dict[str, str],
    ) -> Response:
        params = request.path_params
        types = self._object_types(params, grant)
        if not isinstance(types, _TypePair):
            return _error(types, correlation_id, headers)
        from_type, to_type = types
        specs: list[tuple[str, int]] = []
        if labelled:
            parsed = parse_specs(await request.body())
            if not isinstance(parsed, list):
                return _error(parsed, correlation_id, headers)
            specs = parsed
        from_id: str = params["from_id"]
        to_id: str = params["to_id"]
        invalid = [
            (object_type.error_name, object_id)
            for object_type, object_id in ((from_type, from_id), (to_type, to_id))
            if not self.catalog.has_record(object_type, object_id)
        ]
        if invalid:
            return _error(_errors.invalid_object_ids(invalid), correlation_id, headers)
        from_id, to_id = str(int(from_id)), str(int(to_id))
        if from_type.type_id == to_type.type_id and from_id == to_id:
            return _error(_errors.self_association_refused(from_id), correlation_id, headers)
        if labelled:
            return self._labelled(request, from_type, from_id, to_type, to_id, specs, correlation_id, headers)
        return self._default(from_type, from_id, to_type, to_id, started, correlation_id, headers)

    def _default(
        self,
        from_type: ObjectType,
        from_id: str,
        to_type: ObjectType,
        to_id: str,
        started: float,
        correlation_id: str,
        headers: dict[str, str],
    ) -> Response:
        type_id = self.catalog.default_type(from_type.type_id, to_type.type_id)
        if type_id is None:
            error = _errors.no_default_association(from_type.error_name, to_type.error_name)
            return _error(error, correlation_id, headers)
        self.state.apply([Association(from_type.type_id, from_id, to_type.type_id, to_id, "HUBSPOT_DEFINED", type_id)])
        results = [_default_result(from_id, to_id, type_id)]
        reverse_type_id = self.catalog.default_type(to_type.type_id, from_type.type_id)
        if reverse_type_id is not None:
            results.append(_default_result(to_id, from_id, reverse_type_id))
        completed = _iso(self.state.clock.time())
        body = {"status": "COMPLETE", "results": results, "startedAt": _iso(started), "completedAt": completed}
        return HubSpotJSONResponse(body, headers=headers)

    def _labelled(
        self,
        request: Request,
        from_type: ObjectType,
        from_id: str,
        to_type: ObjectType,
        to_id: str,
        specs: list[tuple[str, int]],
        correlation_id: str,
        headers: dict[str, str],
    ) -> Response:
        pair = (from_type.type_id, to_type.type_id)
        bad = [
            (category, type_id) for category, type_id in specs if not self.catalog.is_known(*pair, category, type_id)
        ]
        if bad:
            return _error(_errors.invalid_association_types(bad), correlation_id, headers)
        labels: list[str] = []
        for category, type_id in specs:
            label = self.catalog.label(*pair, category, type_id)
            if label is not None and label not in labels:
                labels.append(label)
        self.state.apply(
            Association(pair[0], from_id, pair[1], to_id, category, type_id) for category, type_id in specs
        )
        path = _served_version(request).path(f"{V4_OBJECTS}{pair[0]}/{from_id}/associations/{pair[1]}/{to_id}")
        headers["Location"] = f"{request.base_url}{path.removeprefix('/')}"
        body = {
            "fromObjectTypeId": pair[0],
            "fromObjectId": int(from_id),
            "toObjectTypeId": pair[1],
            "toObjectId": int(to_id),
            "labels": labels,
        }
        return HubSpotJSONResponse(body, status_code=201, headers=headers)

    async def _batch(
        self,
        request: Request,
        grant: TokenGrant,
        labelled: bool,
        started: float,
        correlation_id: str,
        headers: dict[str, str],
    ) -> Response:
        """A batch: whole-request checks (types, scopes, body, for the default operation a default type), then
        each input on its own (``_batch.answer_inputs``). Success bodies carry no optional keys."""
        types = self._object_types(request.path_params, grant)
        if not isinstance(types, _TypePair):
            return _error(types, correlation_id, headers)
        from_type, to_type = types
        parsed = _batch.parse_inputs(await request.body(), labelled=labelled, limit=self.config.batch_input_limit)
        if not isinstance(parsed, list):
            return _error(parsed, correlation_id, headers)
        pair = (from_type.type_id, to_type.type_id)
        default_type = self.catalog.default_type(*pair)
        reverse_type = self.catalog.default_type(to_type.type_id, from_type.type_id)
        if not labelled and default_type is None:
            return _error(
                _errors.no_default_association(from_type.error_name, to_type.error_name), correlation_id, headers
            )
        answer = _batch.answer_inputs(self.catalog, from_type, to_type, parsed, labelled=labelled)
        rows: list[Association] = []
        results: list[dict[str, Any]] = []
        for item in answer.valid:
            from_id, to_id = str(int(item.from_id)), str(int(item.to_id))
            if labelled:
                labels: list[str] = []
                for category, type_id in item.specs:
                    rows.append(Association(pair[0], from_id, pair[1], to_id, category, type_id))
                    label = self.catalog.label(*pair, category, type_id)
                    if label is not None and label not in labels:
                        labels.append(label)
                results.append(
                    {
                        "fromObjectTypeId": pair[0],
                        "fromObjectId": int(from_id),
                        "toObjectTypeId": pair[1],
                        "toObjectId": int(to_id),
                        "labels": labels,
                    }
                )
            else:
                assert default_type is not None  # checked above
                rows.append(Association(pair[0], from_id, pair[1], to_id, "HUBSPOT_DEFINED", default_type))
                results.append(_default_result(int(from_id), int(to_id), default_type))
                if reverse_type is not None:
                    results.append(_default_result(int(to_id), int(from_id), reverse_type))
        self.state.apply(rows, batch=True)
        body: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if answer.errors:
            body["numErrors"] = len(answer.errors)
            body["errors"] = answer.errors
        body["startedAt"] = _iso(started)
        body["completedAt"] = _iso(self.state.clock.time())
        status = 207 if answer.errors else 201 if labelled else 200
        return HubSpotJSONResponse(body, status_code=status, headers=headers)

    # -- reading and removing ------------------------------------------------------------------------------------

    def _associated_items(
        self, from_type: ObjectType, from_id: str, to_type: ObjectType, offset: int, limit: int
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a record's associated records in HubSpot's shape, and the next page's cursor (an offset)."""
        pair = (from_type.type_id, to_type.type_id)
        associated = self.state.associated(pair[0], from_id, pair[1])
        page = associated[offset : offset + limit]
        items = [
            {
                "toObjectId": int(to_id),
                "associationTypes": [
                    {
                        "category": row.category,
                        "typeId": row.type_id,
                        "label": self.catalog.label(*pair, row.category, row.type_id),
                    }
                    for row in rows
                ],
            }
            for to_id, rows in page
        ]
        after = str(offset + limit) if offset + limit < len(associated) else None
        return items, after

    async def _read_page(
        self, request: Request, grant: TokenGrant, labelled: bool, started: float, cid: str, headers: dict[str, str]
    ) -> Response:
        params = request.path_params
        types = self._object_types(params, grant)
        if not isinstance(types, _TypePair):
            return _error(types, cid, headers)
        from_type, to_type = types
        if not self.catalog.has_record(from_type, params["from_id"]):
            return _error(_errors.invalid_object_ids([(from_type.error_name, params["from_id"])]), cid, headers)
        query = request.query_params
        limit_text, after_text = query.get("limit", str(facts.PAGE_LIMIT)), query.get("after", "0")
        if not (limit_text.isascii() and limit_text.isdigit() and 0 < int(limit_text[:4]) <= facts.PAGE_LIMIT):
            return _error(_errors.invalid_query("limit", f"must be between 1 and {facts.PAGE_LIMIT}"), cid, headers)
        if not (after_text.isascii() and after_text.isdigit() and len(after_text) <= 9):
            return _error(_errors.invalid_query("after", "is not a paging cursor of this endpoint"), cid, headers)
        from_id = str(int(params["from_id"]))
        items, after = self._associated_items(from_type, from_id, to_type, int(after_text), int(limit_text))
        body: dict[str, Any] = {"results": items}
        if after is not None:
            path = request.url.path
            body["paging"] = {
                "next": {"after": after, "link": f"{request.base_url}{path.removeprefix('/')}?after={after}"}
            }
        return HubSpotJSONResponse(body, headers=headers)

    async def _remove_pair(
        self, request: Request, grant: TokenGrant, labelled: bool, started: float, cid: str, headers: dict[str, str]
    ) -> Response:
        params = request.path_params
        types = self._object_types(params, grant)
        if not isinstance(types, _TypePair):
            return _error(types, cid, headers)
        from_type, to_type = types
        invalid = [
            (object_type.error_name, object_id)
            for object_type, object_id in ((from_type, params["from_id"]), (to_type, params["to_id"]))
            if not self.catalog.has_record(object_type, object_id)
        ]
        if invalid:
            return _error(_errors.invalid_object_ids(invalid), cid, headers)
        pair = (from_type.type_id, str(int(params["from_id"])), to_type.type_id, str(int(params["to_id"])))
        self.state.remove([pair])
        return Response(status_code=204, headers=headers)

    async def _batch_read(
        self, request: Request, grant: TokenGrant, labelled: bool, started: float, cid: str, headers: dict[str, str]
    ) -> Response:
        """Each id's first (or ``after``'s) page of associations. An unknown id gets an ``INVALID_IDENTIFIER``
        item (so the answer is a 207 that keeps the others' results); a record with none gets no result."""
        types = self._object_types(request.path_params, grant)
        if not isinstance(types, _TypePair):
            return _error(types, cid, headers)
        from_type, to_type = types
        parsed = _batch.parse_read_inputs(await request.body(), limit=self.config.batch_read_limit)
        if not isinstance(parsed, list):
            return _error(parsed, cid, headers)
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        reported: set[str] = set()
        for item in parsed:
            if not self.catalog.has_record(from_type, item.object_id):
                if item.object_id not in reported:
                    reported.add(item.object_id)
                    errors.append(_errors.invalid_identifier(item.object_id))
                continue
            from_id = str(int(item.object_id))
            associated, after = self._associated_items(from_type, from_id, to_type, item.offset, facts.PAGE_LIMIT)
            if not associated:
                continue
            result: dict[str, Any] = {"from": {"id": from_id}, "to": associated}
            if after is not None:
                result["paging"] = {"next": {"after": after}}
            results.append(result)
        body: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            body["numErrors"] = len(errors)
            body["errors"] = errors
        body["startedAt"] = _iso(started)
        body["completedAt"] = _iso(self.state.clock.time())
        return HubSpotJSONResponse(body, status_code=207 if errors else 200, headers=headers)

    async def _archive(
        self, request: Request, grant: TokenGrant, labelled: bool, started: float, cid: str, headers: dict[str, str]
    ) -> Response:
        """``batch/archive`` (every association of each pair) or ``batch/labels/archive`` (the given types): the
        whole request is checked, then done; HubSpot answers 204 with no body either way."""
        types = self._object_types(request.path_params, grant)
        if not isinstance(types, _TypePair):
            return _error(types, cid, headers)
        from_type, to_type = types
        raw = await request.body()
        limit = self.config.batch_input_limit
        parsed = (
            _batch.parse_inputs(raw, labelled=True, limit=limit)
            if labelled
            else _batch.parse_archive_inputs(raw, limit=limit)
        )
        if not isinstance(parsed, list):
            return _error(parsed, cid, headers)
        with_ids = [item for item in parsed if item.from_id.isdigit() and item.to_id.isdigit()]
        if labelled:
            for item in with_ids:
                pair = (from_type.type_id, str(int(item.from_id)), to_type.type_id, str(int(item.to_id)))
                self.state.remove([pair], item.specs)
        else:
            self.state.remove(
                (from_type.type_id, str(int(item.from_id)), to_type.type_id, str(int(item.to_id))) for item in with_ids
            )
        self.state.apply((), batch=True)  # counts the batch request
        return Response(status_code=204, headers=headers)

    # -- OAuth ---------------------------------------------------------------------------------------------------

    async def oauth_token(self, request: Request) -> Response:
        """``POST /oauth/v1/token`` and ``/oauth/v3/token`` with ``grant_type=refresh_token``."""
        correlation_id, headers = _new_correlation()
        form = dict(request.query_params)  # v1 also took query parameters
        form.update(parse_qsl((await request.body()).decode("utf-8", "replace"), keep_blank_values=True))
        client_id = form.get("client_id", "")
        secret = self.config.oauth_clients.get(client_id)
        if secret is None or form.get("client_secret") != secret:
            error = _errors.oauth_error("BAD_CLIENT_ID", "missing or unknown client id", "invalid_client")
            return _oauth_error(error, correlation_id, headers)
        if form.get("grant_type") != "refresh_token":
            message = "grant_type must be refresh_token"
            error = _errors.oauth_error("BAD_GRANT_TYPE", message, "unsupported_grant_type")
            return _oauth_error(error, correlation_id, headers)
        refresh_token = form.get("refresh_token", "")
        if refresh_token not in self.config.oauth_refresh_tokens:
            error = _errors.oauth_error("BAD_REFRESH_TOKEN", "missing or unknown refresh token", "invalid_grant")
            return _oauth_error(error, correlation_id, headers)
        access_token, grant = self.state.issue_token(client_id)
        body = {
            "token_type": "bearer",
            "refresh_token": refresh_token,
            "access_token": access_token,
            "expires_in": self.config.oauth_token_lifetime_s,
            "token_use": "access_token",
            "hub_id": self.config.portal_id,
            "scopes": sorted(grant.scopes),
        }
        return HubSpotJSONResponse(body, headers=headers)

    # -- inspection ----------------------------------------------------------------------------------------------

    async def list_associations(self, request: Request) -> Response:
        """``GET /_emulator/associations``: every stored association."""
        body = [
            {
                "fromObjectTypeId": row.from_type_id,
                "fromObjectId": row.from_id,
                "toObjectTypeId": row.to_type_id,
                "toObjectId": row.to_id,
                "associationCategory": row.category,
                "associationTypeId": row.type_id,
            }
            for row in self.state.all_associations()
        ]
        return HubSpotJSONResponse(body, headers=_new_correlation()[1])

    async def remove_out_of_band(self, request: Request) -> Response:
        """``POST /_emulator/associations/remove`` with ``{"associations": [{"fromObjectTypeId", "fromObjectId",
        "toObjectTypeId", "toObjectId"}]}``: remove those pairs' associations behind the client's back (as another
        integration or a user in HubSpot's UI would); answers ``{"removed": n}``. Not a HubSpot endpoint."""
        correlation_id, headers = _new_correlation()
        try:
            data = json.loads(await request.body())
            rows = data["associations"]
            pairs = [
                (
                    str(row["fromObjectTypeId"]),
                    str(int(row["fromObjectId"])),
                    str(row["toObjectTypeId"]),
                    str(int(row["toObjectId"])),
                )
                for row in rows
            ]
        except (ValueError, KeyError, TypeError, RecursionError):
            message = (
                'expected {"associations": [{"fromObjectTypeId", "fromObjectId", "toObjectTypeId", "toObjectId"}]}'
            )
            return _error(_errors.admin_bad_request(message), correlation_id, headers)
        return HubSpotJSONResponse({"removed": self.state.remove(pairs)}, headers=headers)

    async def stats(self, request: Request) -> Response:
        """``GET /_emulator/stats``: PUT, batch and grant counters, status counts, association count."""
        associations, pairs = self.state.association_counts()
        body = {
            "put_count": self.state.put_count,
            "batch_count": self.state.batch_count,
            "applied_pairs": self.state.applied_pairs,
            "token_grants": self.state.token_grants,
            "counts_by_status": {str(status): n for status, n in sorted(self.state.counts_by_status.items())},
            "unique_associations": associations,
            "unique_pairs": pairs,
        }
        return HubSpotJSONResponse(body, headers=_new_correlation()[1])

    async def reset(self, request: Request) -> Response:
        """``POST /_emulator/reset``: back to the configured initial state."""
        self.state.reset()
        return HubSpotJSONResponse({"status": "reset"}, headers=_new_correlation()[1])

    async def http_error(self, request: Request, exc: Exception) -> Response:
        """JSON bodies for 404/405 (with ``Allow``) so even unknown routes look like HubSpot."""
        correlation_id, headers = _new_correlation()
        status = exc.status_code if isinstance(exc, HTTPException) else 404
        if status == 405:
            error = _errors.method_not_allowed(request.method)
            allow = exc.headers.get("Allow") if isinstance(exc, HTTPException) and exc.headers else None
            if allow:
                headers["Allow"] = allow
        else:
            error = _errors.not_found(request.scope["path"])
        self.state.record(request.method, request.scope["path"], error[0])
        return _error(error, correlation_id, headers)


def _default_result(from_id: str | int, to_id: str | int, type_id: int) -> dict[str, Any]:
    return {
        "from": {"id": from_id},
        "to": {"id": to_id},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id},
    }


_API_VERSION_KEY = "hubspot_associations.api_version"


def _on_version(handler: Handler, version: ApiVersion) -> Handler:
    """``handler`` serving ``version``'s path of its operation; :func:`_served_version` tells it which version."""

    async def endpoint(request: Request) -> Response:
        request.scope[_API_VERSION_KEY] = version
        return await handler(request)

    return endpoint


def _served_version(request: Request) -> ApiVersion:
    """The HubSpot API version whose path ``request`` came in on (v4 for a handler not served per version)."""
    version = request.scope.get(_API_VERSION_KEY)
    return version if isinstance(version, ApiVersion) else API_VERSIONS["v4"]


def _oauth_error(error: _errors.ErrorBody, correlation_id: str, headers: dict[str, str]) -> JSONResponse:
    status, body = error
    return HubSpotJSONResponse({**body, "correlationId": correlation_id}, status_code=status, headers=headers)


def create_app(config: EmulatorConfig | None = None, state: EmulatorState | None = None) -> Starlette:
    """Build the emulator app; ``app.state.emulator`` is its ``EmulatorState``.

    Pass ``state`` to share or pre-build the store (its config then wins; passing a different ``config`` too is
    an error).

    For example:

        app = create_app(EmulatorConfig(seed=1))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator")
    """
    if state is None:
        state = EmulatorState(config)
    elif config is not None and config is not state.config:
        raise ValueError("pass either config or a state built from it, not two different configs")
    emulator = _Emulator(state)
    # HubSpot's operations by their v4 path; each is served on every version of ``config.api_versions`` (all the
    # SDK knows by default), at the path ``ApiVersion.path`` gives it, the same mapping the SDK applies.
    objects = f"{V4_OBJECTS}{{from_type}}/{{from_id}}/associations"
    batches = f"{V4_ASSOCIATIONS}{{from_type}}/{{to_type}}/batch"
    operations: list[tuple[str, Handler, str]] = [
        (f"{objects}/default/{{to_type}}/{{to_id}}", emulator.put_default, "PUT"),
        (f"{objects}/{{to_type}}/{{to_id}}", emulator.put_labelled, "PUT"),
        (f"{batches}/associate/default", emulator.batch_default, "POST"),
        (f"{batches}/create", emulator.batch_create, "POST"),
        (f"{objects}/{{to_type}}/{{to_id}}", emulator.remove_pair, "DELETE"),
        (f"{objects}/{{to_type}}", emulator.list_page, "GET"),
        (f"{batches}/read", emulator.batch_read, "POST"),
        (f"{batches}/archive", emulator.batch_archive, "POST"),
        (f"{batches}/labels/archive", emulator.batch_archive_labels, "POST"),
    ]
    routes = [
        Route(version.path(path), emulator.recorded(_on_version(handler, version)), methods=[method])
        for version in state.config.served_api_versions()
        for path, handler, method in operations
    ]
    routes += [
        Route("/oauth/v1/token", emulator.recorded(emulator.oauth_token), methods=["POST"]),
        Route("/oauth/v3/token", emulator.recorded(emulator.oauth_token), methods=["POST"]),
        Route("/_emulator/associations", emulator.guarded(emulator.list_associations), methods=["GET"]),
        Route("/_emulator/associations/remove", emulator.guarded(emulator.remove_out_of_band), methods=["POST"]),
        Route("/_emulator/stats", emulator.guarded(emulator.stats), methods=["GET"]),
        Route("/_emulator/reset", emulator.guarded(emulator.reset), methods=["POST"]),
    ]
    app = Starlette(routes=routes, exception_handlers={404: emulator.http_error, 405: emulator.http_error})
    app.router.redirect_slashes = False  # HubSpot answers a trailing slash with an error, not a 307
    app.state.emulator = state
    return app
