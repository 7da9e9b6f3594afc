"""Every document's moment (its date as a number, see `timefilter`), read from the index.

The `moment` column is fixed-width: a segment's whole column is one read of 8 bytes a
document, kept with the segment's reader, so filtering or sorting by date costs one
array lookup a matching document. A column cut short reads as damage (a ValueError,
which the searcher reports as "rebuild").
"""

from __future__ import annotations

import sys
import weakref
from array import array
from typing import Any

from .timefilter import moment_of

FIELD = "moment"

_SEGMENTS: weakref.WeakKeyDictionary[Any, array[int]] = weakref.WeakKeyDictionary()


def _segment_moments(reader: Any) -> array[int]:
    found = _SEGMENTS.get(reader)
    if found is not None:
        return found
    count = reader.doc_count_all()
    moments: array[int] = array("q")
    if FIELD in reader.schema and reader.has_column(FIELD):
        column = reader.column_reader(FIELD, translate=False)
        try:
            # the column's raw bytes: big-endian 64-bit integers, as many as were written
            raw = column._dbfile.get(column._basepos, column._count * 8)
            moments.frombytes(bytes(raw))
            if sys.byteorder == "little":
                moments.byteswap()
        except AttributeError:  # a codec that keeps columns another way
            moments = array("q", (int(column[i]) for i in range(count)))
    if len(moments) < count:  # documents after the last dated one read as 0: no date
        _check_undated(reader, len(moments))
        moments.extend(array("q", [0]) * (count - len(moments)))
    _SEGMENTS[reader] = moments
    return moments


def _check_undated(reader: Any, first: int) -> None:
    """The column stops after the last dated document, so the document right after
    its end has no date; when it has one, the column was cut short: damage (Whoosh
    keeps no checksums, and a short column would silently drop dates)."""
    try:
        written = reader.stored_fields(first).get("date")
    except Exception as exc:  # unpickling damaged stored fields raises anything
        raise ValueError(f"stored fields of document {first}: {exc}") from None
    if moment_of(written) is not None:
        raise ValueError(f"the {FIELD} column ends before dated document {first}")


def moments(searcher: Any) -> array[int]:
    """moment (0: no date) of every document, indexed by the searcher's doc numbers."""
    leaves = searcher.leaf_searchers()
    if len(leaves) == 1:
        return _segment_moments(leaves[0][0].reader())
    reader = searcher.reader()
    every = _SEGMENTS.get(reader)
    if every is None:
        every = array("q")
        for leaf, offset in leaves:
            every.extend(array("q", [0]) * (offset - len(every)))
            every.extend(_segment_moments(leaf.reader()))
        _SEGMENTS[reader] = every
    return every
