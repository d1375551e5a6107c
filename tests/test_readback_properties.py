"""Property test of verify_many's engine (``_readback.py``) against a model of HubSpot's batch read: whatever the
stored associations, the page size, how large an answer may be before it is too large, and which records fail,
every row gets exactly one check, in input order, and its status is the model's truth."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hubspot_associations import AssociationRow, ResponseTooLargeError, RowStatus
from hubspot_associations._batch import OPERATIONS, BatchResult
from hubspot_associations._readback import run_sync, verifier

CONTACTS = [str(1000001 + n) for n in range(6)]
COMPANIES = [str(2000001 + n) for n in range(8)]


class ModelHubSpot:
    """``read_batch`` as HubSpot answers it: per id a page of ``page`` associated records and a cursor (an offset)
    while more remain; no result for a record without associations; an error item for a broken record; an answer
    of more than ``cap`` records in total is too large."""

    def __init__(self, stored: set[tuple[str, str]], page: int, cap: int, broken: set[str]) -> None:
        self.stored, self.page, self.cap, self.broken = stored, page, cap, broken
        self.calls = 0

    def read_batch(self, from_type: str, to_type: str, inputs: list[Any]) -> BatchResult[Any]:
        self.calls += 1
        assert len(inputs) <= 1000
        results: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for item in inputs:
            object_id, offset = (item, 0) if isinstance(item, str) else (item[0], int(item[1]))
            if object_id in self.broken:
                errors.append({"status": "error", "category": "VALIDATION_ERROR", "message": f"{object_id} is broken"})
                continue
            associated = sorted(to for source, to in self.stored if source == object_id)
            page = associated[offset : offset + self.page]
            if not page:
                continue
            result: dict[str, Any] = {
                "from": {"id": int(object_id)},
                "to": [
                    {"toObjectId": int(to), "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 279}]}
                    for to in page
                ],
            }
            if offset + self.page < len(associated):
                result["paging"] = {"next": {"after": str(offset + self.page)}}
            results.append(result)
        if sum(len(result["to"]) for result in results) > self.cap:
            raise ResponseTooLargeError("too large", limit=self.cap, status_code=200)
        _, parse = OPERATIONS["read_batch"].prepare(from_type, to_type, inputs, 1000)
        return parse({"status": "COMPLETE", "results": results, "errors": errors})


pairs = st.tuples(st.sampled_from(CONTACTS), st.sampled_from(COMPANIES))


@settings(max_examples=150, deadline=None)
@given(
    stored=st.sets(pairs, max_size=40),
    rows=st.lists(pairs, min_size=1, max_size=40),
    page=st.integers(1, 5),
    cap=st.integers(1, 12),
    broken=st.sets(st.sampled_from(CONTACTS), max_size=2),
    chunk=st.integers(1, 12),
)
def test_every_row_gets_the_models_verdict_in_input_order(
    stored: set[tuple[str, str]], rows: list[tuple[str, str]], page: int, cap: int, broken: set[str], chunk: int
) -> None:
    hubspot = ModelHubSpot(stored, page, cap, broken)
    given_rows = [AssociationRow("contacts", a, "companies", b, line=n) for n, (a, b) in enumerate(rows)]
    checks = list(run_sync(hubspot, given_rows, chunk, verifier(labels=False)))  # type: ignore[arg-type]
    assert [check.row.line for check in checks] == list(range(len(rows)))
    for check, (source, target) in zip(checks, rows, strict=True):
        if source in broken:
            assert check.status is RowStatus.UNVERIFIED
        elif (source, target) in stored:
            # Present, unless one page of the record alone is larger than the cap (then it says so).
            assert check.status is RowStatus.PRESENT or (
                check.status is RowStatus.UNVERIFIED and "max_response_bytes" in check.message and page > cap
            )
        elif check.status is not RowStatus.MISSING:
            assert check.status is RowStatus.UNVERIFIED and page > cap
