"""A term's postings read in bulk, block by block, without the positions scoring never uses.

whoosh3's codec stores a block of up to 128 postings as one pickled tuple (ids, weights,
values), usually zlib-compressed. The values of a positional field are each posting's
positions, pickled at protocol 2 as one `_codecs.encode` call a posting: unpickling them
is nine tenths of the cost of reading a block, and BM25F needs only the ids and the
weights. `block_ids_weights` unpickles just the head of the tuple (the ids and weights
come first, in a shape `_HEAD` describes) and checks what it got; a block of any other
shape (another Whoosh fork, a newer pickle protocol) is unpickled whole, as Whoosh does.
The numbers are the ones Whoosh's own matcher reads, so every score stays the same.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Sequence
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh.reading import TermNotFound

# A positional field's values are pickled at protocol 2 as one `_codecs.encode` call
# each; the first call's GLOBAL opcode marks where the ids and weights end. Those are
# ints and floats (opcodes K, M, J, G and their bytes): no 16 bytes of them can spell it.
_VALUES = b"c_codecs\nencode\n"
_PAIR_END = b"\x86."  # TUPLE2, STOP: the two values on the stack become (ids, weights)


def bulk_readable(m: Any) -> bool:
    """Whether `m` is a whoosh3 block matcher this module can read."""
    return all(
        hasattr(m, a)
        for a in ("_postfile", "_dataoffset", "_nextoffset", "_compression", "_next_block")
    )


def _ids_weights(m: Any, ids: Sequence[int], weights: Any) -> tuple[Sequence[int], Any]:
    """The block's ids and weights decoded as Whoosh's `_read_ids` / `_read_weights` do."""
    n = m._blocklength
    if not getattr(m, "_byteids", None):
        ids = tuple(accumulate(ids))  # delta-coded
    if weights is None:
        weights = array("f", [1.0]) * n
    elif isinstance(weights, float):
        weights = array("f", [weights]) * n
    return ids, weights


def _fits(n: int, ids: Any, weights: Any) -> bool:
    """Whether a head read looks like a block of `n` postings."""
    if not isinstance(ids, tuple) or len(ids) != n:
        return False
    return weights is None or isinstance(weights, float) or len(weights) == n


def _head(m: Any, data: bytes) -> tuple[Any, Any] | None:
    """(ids, weights) unpickled from the head of a block's data, or None when the
    block is not one whose head can be read alone."""
    n = m._blocklength
    # ids take at most 5 bytes each, weights 9: decompress no further than that
    raw = zlib.decompressobj().decompress(data, 14 * n + 64) if m._compression else data
    cut = raw.find(_VALUES)
    if cut <= 0:
        return None
    if n > 3:  # a tuple of more than three values opens with a MARK
        cut -= 1
        if raw[cut] != 0x28:
            return None
    try:
        ids, weights = loads(raw[:cut] + _PAIR_END)
    except Exception:
        return None
    return (ids, weights) if _fits(n, ids, weights) else None


def block_ids_weights(m: Any) -> tuple[Sequence[int], Sequence[float]]:
    """The doc numbers and weights of the block `m` stands on."""
    data = bytes(m._postfile.get(m._dataoffset, m._nextoffset - m._dataoffset))
    head = _head(m, data)
    if head is None:
        head = loads(zlib.decompress(data) if m._compression else data)[:2]
    return _ids_weights(m, *head)


def block_all(m: Any) -> tuple[Sequence[int], Sequence[float], Sequence[Any]]:
    """The doc numbers, weights and values (encoded positions) of the block `m` stands on."""
    m._read_ids()
    m._read_weights()
    m._read_values()
    return m._ids, m._weights, m._values


def unwrap(m: Any) -> tuple[Any, Any]:
    """(the matcher to read, the doc numbers to leave out): a segment with deleted
    documents wraps its block matcher in Whoosh's FilterMatcher, which skips them."""
    if not bulk_readable(m) and getattr(m, "_exclude", False) and bulk_readable(m.child):
        return m.child, m._ids
    return m, None


def postings(reader: Any, fieldname: str, text: str) -> tuple[list[int], list[float]] | None:
    """All (doc numbers, term frequencies) of one term in one segment, deleted documents
    left out; None when the segment does not have the term."""
    try:
        m = reader.postings(fieldname, text)
    except TermNotFound:
        return None
    ids: list[int] = []
    weights: list[float] = []
    m, deleted = unwrap(m)
    if bulk_readable(m):
        while m.is_active():
            got_ids, got_weights = block_ids_weights(m)
            ids.extend(got_ids)
            weights.extend(got_weights)
            m._next_block()
        if deleted:
            kept = [i for i, d in enumerate(ids) if d not in deleted]
            ids, weights = [ids[i] for i in kept], [weights[i] for i in kept]
        return ids, weights
    while m.is_active():
        ids.append(m.id())
        weights.append(m.weight())
        m.next()
    return ids, weights
