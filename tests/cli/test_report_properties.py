"""Properties of the failure report (issue 25, defects 2 and 8), for any input cells and any server text: no cell a
spreadsheet would evaluate, and the report read back as input yields the same rows, in input order."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import httpx
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hubspot_associations._bulk import AssociationOutcome, AssociationRow
from hubspot_associations._error_mapping import error_from_response
from hubspot_associations.cli._input import ParsedRow, RowProblem, read_rows, row_fields
from hubspot_associations.cli._report import REPORT_COLUMNS, FailureReport, neutralise, restore
from tests.cli.cli_support import as_read, assert_inert
from tests.support import hubspot_error

INPUT_COLUMNS = REPORT_COLUMNS[:6]
_TRICKY = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=x", "\r=x", " =x", "'", "'=x", "''", "1000001", "contacts", ""]
cells = st.one_of(st.sampled_from(_TRICKY), st.text(max_size=8), st.text(alphabet="=+-@'\t\r\n ,\"x1", max_size=6))
rows = st.lists(st.lists(cells, min_size=1, max_size=9), min_size=1, max_size=6)


def _write_csv(path: Path, records: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(INPUT_COLUMNS)
        writer.writerows(records)


def _refused(row: AssociationRow, text: str) -> AssociationOutcome:
    """``row`` refused by a server whose message, category and correlation id are ``text``."""
    response = hubspot_error(400, text, correlation_id=text, category=text)
    response.request = httpx.Request("PUT", "https://api.hubapi.com/crm/v4/objects")
    return AssociationOutcome(row, 0, None, error_from_response(response), 1, correlation_id=text)


@given(cell=cells)
def test_neutralise_is_inert_and_restore_undoes_it(cell: str) -> None:
    written = neutralise(cell)
    assert_inert([[written]])
    assert restore(written) == cell


@settings(max_examples=150, deadline=None)
@given(records=rows, server_text=cells)
def test_every_report_cell_is_inert_and_the_report_reads_back_as_the_same_rows(
    records: list[list[str]], server_text: str
) -> None:
    assume(any(cell.strip() for record in records for cell in record))  # else the file has no rows
    with tempfile.TemporaryDirectory() as folder:
        source, report_path = Path(folder) / "rows.csv", Path(folder) / "rows.failures.csv"
        _write_csv(source, records)
        items = list(read_rows(source))
        report = FailureReport(report_path)
        for item in items:  # as bulk reads them: invalid rows are reported at once, valid ones sent
            if isinstance(item, RowProblem):
                report.add_problem(item.line, server_text, item.fields, item.extra)
            else:
                report.opened(item.line)
        for item in reversed(items):  # answers come back in any order
            if isinstance(item, ParsedRow):
                report.add_outcome(_refused(item.row, server_text), row_fields(item.row))
        report.close()
        with report_path.open(newline="", encoding="utf-8") as handle:
            written = list(csv.reader(handle))
        assert written[0] == list(REPORT_COLUMNS)
        assert_inert(written)
        assert [int(row[6]) for row in written[1:]] == [item.line for item in items]  # in input order
        assert [as_read(item) for item in read_rows(report_path)] == [as_read(item) for item in items]
