"""Near-duplicate signatures on disk while an indexing run lasts, never all in memory.

A signature takes 256 bytes (neardup.NUM_PERM uint16 values): 128 MB for 500,000
documents, the largest thing a build held. `Spill` appends each hashed batch to a
temporary file; at the commit `Sorted` copies the live rows into a second one in id
order, and everything the commit needs is read from it in bounded pieces: each band's
keys for grouping (8 bytes a row at a time), the rows of the candidate pairs, and the
rows themselves for `neardup-G.npz`, which is written member by member as `np.savez`
writes it. Only the pieces read are mapped, and each mapping is dropped once read, so
the pages do not stay counted against the process either.

The answers are those of the in-memory functions of neardup.py: the same keys, the
same pairs, the same agreement, computed piece by piece.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from . import neardup

if TYPE_CHECKING:
    import numpy as np

ROW_BYTES = 2 * neardup.NUM_PERM  # uint16 values
CHUNK_ROWS = 16384  # rows read at a time when reading in order: 4 MB
RANDOM_ROWS = 2048  # rows read at a time at random places (each may map a page of its own)


def _view(f: IO[bytes], rows: int) -> np.ndarray:
    """The file as an (rows, NUM_PERM) array, mapped: pages are read when touched."""
    import numpy as np

    f.flush()
    return np.memmap(f, dtype=np.uint16, mode="r", shape=(rows, neardup.NUM_PERM))


def _take(f: IO[bytes], rows: int, where: np.ndarray) -> np.ndarray:
    """Rows `where` of the file (any order, repeats allowed), a few pages mapped at once."""
    import numpy as np

    out = np.empty((len(where), neardup.NUM_PERM), dtype=np.uint16)
    for start in range(0, len(where), RANDOM_ROWS):
        view = _view(f, rows)
        part = where[start : start + RANDOM_ROWS]
        out[start : start + len(part)] = view[part]
        del view  # unmapped: its pages stop counting against this process
    return out


class Spill:
    """Signature rows appended as they are hashed; a row's number is its place."""

    def __init__(self, folder: str | None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)
        self.rows = 0

    def append(self, sigs: np.ndarray) -> int:
        """Append rows; returns the number of the first."""
        first = self.rows
        if len(sigs):
            self._file.seek(self.rows * ROW_BYTES)
            self._file.write(sigs.astype("<u2", copy=False).tobytes())
            self.rows += len(sigs)
        return first

    def take(self, where: np.ndarray) -> np.ndarray:
        return _take(self._file, self.rows, where)

    def close(self) -> None:
        self._file.close()


class Sorted:
    """The live signatures in id order, row i for the i-th id, in a file of their own."""

    def __init__(self, spill: Spill, where: np.ndarray, folder: str | None) -> None:
        self._file = tempfile.TemporaryFile(dir=folder)
        self.rows = len(where)
        for start in range(0, len(where), RANDOM_ROWS):
            self._file.write(spill.take(where[start : start + RANDOM_ROWS]).tobytes())

    def chunks(self) -> Iterator[np.ndarray]:
        """The rows in order, CHUNK_ROWS at a time."""
        for start in range(0, self.rows, CHUNK_ROWS):
            view = _view(self._file, self.rows)
            yield view[start : start + CHUNK_ROWS].copy()
            del view

    def band_keys(self, band: int) -> np.ndarray:
        import numpy as np

        keys = np.empty(self.rows, dtype=np.uint64)
        at = 0
        for chunk in self.chunks():
            keys[at : at + len(chunk)] = neardup.band_keys(chunk, band)
            at += len(chunk)
        return keys

    def agreement(self, pairs: np.ndarray) -> np.ndarray:
        import numpy as np

        out = np.empty(len(pairs), dtype=np.float64)
        for start in range(0, len(pairs), RANDOM_ROWS):
            part = pairs[start : start + RANDOM_ROWS]
            a = _take(self._file, self.rows, part[:, 0])
            b = _take(self._file, self.rows, part[:, 1])
            out[start : start + len(part)] = (a == b).mean(axis=1)
        return out

    def group_rows(self) -> list[list[int]]:
        """neardup.group_rows(n, neardup.similar_pairs(sigs)), read piece by piece."""
        pairs = neardup.candidate_pairs(self.rows, self.band_keys)
        return neardup.group_rows(self.rows, neardup.kept_pairs(pairs, self.agreement))

    def write_npz(self, f: IO[bytes], members: dict[str, Any]) -> None:
        """What `np.savez(f, sigs=<these rows>, **members)` writes, the rows streamed."""
        import numpy as np

        header = {
            "descr": np.lib.format.dtype_to_descr(np.dtype("<u2")),
            "fortran_order": False,
            "shape": (self.rows, neardup.NUM_PERM),
        }
        with zipfile.ZipFile(f, mode="w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
            for name, value in members.items():
                with zf.open(f"{name}.npy", "w", force_zip64=True) as out:
                    np.lib.format.write_array(out, np.asanyarray(value), allow_pickle=False)
            with zf.open("sigs.npy", "w", force_zip64=True) as out:
                np.lib.format.write_array_header_1_0(out, header)
                for chunk in self.chunks():
                    out.write(chunk.tobytes())

    def close(self) -> None:
        self._file.close()
