"""The notice tally, compact: per group, how many documents hold each paragraph fingerprint.

An indexing run keeps, for every document that has fingerprints, its group and its
fingerprints (they go into `notices-G.json`, and a deleted document's fingerprints must
be subtracted again). Held as Python strings in lists and counters this took about
1 KB a document, most of a 500,000-document build's memory. Here:

* a document is one `bytes` value: its group's number (4 bytes), then its fingerprints
  as 8-byte integers, in order (the fingerprints' hexadecimal strings sort the same);
* a group's counts (fingerprint -> documents holding it) exist only while the run can
  still change the group. They are counted from the documents when the run first
  touches the group (a tally loaded for an incremental run counts nothing until then),
  and `freeze` drops them once the group is final (a JSON file's records, when the file
  ends), keeping only its common set. A frozen group changed after all is counted
  again from its documents, so the answers never depend on when counts were dropped.

The fingerprints' text form (16 hexadecimal digits, notices.fingerprint) stays the
interface: `add` takes it, `common` and `fingerprints` give it back.
"""

from __future__ import annotations

import struct
from array import array
from collections import Counter
from collections.abc import Iterator

from .notices import threshold

_GROUP = struct.Struct("<I")


def _pack(group: int, fps: list[str]) -> bytes:
    return _GROUP.pack(group) + array("Q", [int(fp, 16) for fp in fps]).tobytes()


def _values(entry: bytes) -> array[int]:
    values = array("Q")
    values.frombytes(entry[_GROUP.size :])
    return values


def _text(value: int) -> str:
    return format(value, "016x")


class Tally:
    """Documents, and how many of them hold each fingerprint, per group."""

    def __init__(self) -> None:
        self._docs: dict[str, bytes] = {}  # id -> group number + fingerprints
        self._groups: list[str] = []  # group number -> name
        self._numbers: dict[str, int] = {}
        self.sizes: Counter[str] = Counter()  # group -> documents
        self._counts: dict[str, dict[int, int]] = {}  # the groups this run may change
        self._frozen: dict[str, frozenset[str]] = {}  # final groups: their common set
        self._members: dict[int, list[str]] | None = None  # group number -> ids, uncounted

    # -- documents ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def ids(self) -> Iterator[str]:
        return iter(self._docs)

    def group(self, doc_id: str) -> str | None:
        entry = self._docs.get(doc_id)
        return None if entry is None else self._groups[_GROUP.unpack_from(entry)[0]]

    def fingerprints(self, doc_id: str) -> list[str]:
        entry = self._docs.get(doc_id)
        return [] if entry is None else [_text(v) for v in _values(entry)]

    def items(self) -> Iterator[tuple[str, str, list[str]]]:
        """(id, group, fingerprints) of every document, in the order they were added."""
        for doc_id, entry in self._docs.items():
            group = self._groups[_GROUP.unpack_from(entry)[0]]
            yield doc_id, group, [_text(v) for v in _values(entry)]

    def _number(self, group: str) -> int:
        number = self._numbers.get(group)
        if number is None:
            number = self._numbers[group] = len(self._groups)
            self._groups.append(group)
        return number

    def load(self, doc_id: str, group: str, fps: list[str]) -> None:
        """A document of a saved tally: recorded, not counted (counted on first touch)."""
        if fps and doc_id not in self._docs and self._members is None:
            self._docs[doc_id] = _pack(self._number(group), fps)
            self.sizes[group] += 1
        else:  # after counting started, or a repeated id: the general way
            self.add(doc_id, group, fps)

    # -- changes -----------------------------------------------------------------------

    def add(self, doc_id: str, group: str, fps: list[str]) -> None:
        self.remove(doc_id)
        if not fps:
            return
        counts = self._counted(group)
        self._docs[doc_id] = _pack(self._number(group), fps)
        self.sizes[group] += 1
        for fp in fps:
            value = int(fp, 16)
            counts[value] = counts.get(value, 0) + 1

    def remove(self, doc_id: str) -> None:
        entry = self._docs.get(doc_id)
        if entry is None:
            return
        group = self._groups[_GROUP.unpack_from(entry)[0]]
        counts = self._counted(group)
        del self._docs[doc_id]
        self.sizes[group] -= 1
        for value in _values(entry):
            left = counts[value] - 1
            if left > 0:
                counts[value] = left
            else:
                del counts[value]
        if self.sizes[group] <= 0:
            del self.sizes[group]

    # -- counts ------------------------------------------------------------------------

    def _counted(self, group: str) -> dict[int, int]:
        """The group's counts, counted from its documents when the run first needs them."""
        counts = self._counts.get(group)
        if counts is not None:
            return counts
        number = self._numbers.get(group)
        if group in self._frozen:  # changed after all: count it again, from every document
            del self._frozen[group]
            ids = [i for i, e in self._docs.items() if _GROUP.unpack_from(e)[0] == number]
        else:
            if self._members is None:  # one pass over the documents, for every group
                self._members = {}
                for doc_id, entry in self._docs.items():
                    self._members.setdefault(_GROUP.unpack_from(entry)[0], []).append(doc_id)
            ids = self._members.pop(number, []) if number is not None else []
        counts = self._counts[group] = {}
        for doc_id in ids:
            for value in _values(self._docs[doc_id]):
                counts[value] = counts.get(value, 0) + 1
        return counts

    def common(self, group: str) -> frozenset[str]:
        """The fingerprints that are boilerplate in this group."""
        frozen = self._frozen.get(group)
        if frozen is not None:
            return frozen
        if not self.sizes.get(group):
            return frozenset()
        need = threshold(self.sizes[group])
        return frozenset(_text(v) for v, c in self._counted(group).items() if c >= need)

    def freeze(self, group: str) -> None:
        """The run will not change `group` again: keep its common set, drop its counts."""
        if group in self._counts:
            self._frozen[group] = self.common(group)
            del self._counts[group]
