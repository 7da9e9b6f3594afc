"""Signatures kept on disk group exactly as the same signatures in memory, and the
streamed `neardup-G.npz` holds what `np.savez` would have written."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest

from searchcli import neardup, sigfile


def signatures(seed: int, n: int) -> np.ndarray:
    """Random rows, with near-copies (a few values changed), a crowd sharing one band
    (more than BUCKET_PAIRS_MAX rows in a bucket) and exact repeats."""
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 2**16, size=(n, neardup.NUM_PERM), dtype=np.uint16)
    for i in range(0, n - 1, 7):  # a near-copy of row i at row i + 1
        sigs[i + 1] = sigs[i]
        changed = rng.choice(neardup.NUM_PERM, size=rng.integers(0, 30), replace=False)
        sigs[i + 1, changed] = rng.integers(0, 2**16, size=len(changed))
    crowd = rng.choice(n, size=min(n, neardup.BUCKET_PAIRS_MAX + 20), replace=False)
    sigs[crowd, : neardup.ROWS] = 7  # one shared band: a big bucket
    sigs[n // 2] = sigs[n // 3]
    return sigs


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("chunk", [1, 3, 64, 100000])
def test_grouping_from_disk_is_grouping_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int, chunk: int
) -> None:
    monkeypatch.setattr(sigfile, "CHUNK_ROWS", chunk)
    monkeypatch.setattr(sigfile, "RANDOM_ROWS", max(1, chunk // 2))
    sigs = signatures(seed, 300)
    spill = sigfile.Spill(str(tmp_path))
    # appended in batches, in an order unlike the final one
    order = np.random.default_rng(seed).permutation(len(sigs))
    place = np.empty(len(sigs), dtype=np.int64)
    for start in range(0, len(sigs), 37):
        part = order[start : start + 37]
        first = spill.append(sigs[part])
        place[part] = np.arange(first, first + len(part))
    ordered = sigfile.Sorted(spill, place, str(tmp_path))
    assert np.array_equal(np.concatenate(list(ordered.chunks())), sigs)
    for band in (0, neardup.BANDS - 1):
        assert np.array_equal(ordered.band_keys(band), neardup.band_keys(sigs, band))
    expected = neardup.group_rows(len(sigs), neardup.similar_pairs(sigs))
    assert len(expected) > 2
    assert ordered.group_rows() == expected
    pairs = neardup._candidate_pairs(sigs)
    assert np.array_equal(ordered.agreement(pairs), neardup.agreement(sigs, pairs))
    ordered.close()
    spill.close()


def test_the_streamed_npz_is_savez(tmp_path: Path) -> None:
    sigs = signatures(9, 50)
    spill = sigfile.Spill(None)
    spill.append(sigs)
    ordered = sigfile.Sorted(spill, np.arange(len(sigs)), None)
    members = {"ids": np.frombuffer(b'["a"]', dtype=np.uint8), "params": np.array([2, 4, 128])}
    streamed = io.BytesIO()
    ordered.write_npz(streamed, members)
    saved = io.BytesIO()
    np.savez(saved, sigs=sigs, **members)
    streamed.seek(0)
    saved.seek(0)
    with np.load(streamed) as a, np.load(saved) as b:
        assert sorted(a.files) == sorted(b.files)
        for name in b.files:
            assert a[name].dtype == b[name].dtype and np.array_equal(a[name], b[name])


def test_no_signatures_at_all(tmp_path: Path) -> None:
    spill = sigfile.Spill(str(tmp_path))
    spill.append(np.empty((0, neardup.NUM_PERM), dtype=np.uint16))
    ordered = sigfile.Sorted(spill, np.empty(0, dtype=np.int64), str(tmp_path))
    assert ordered.group_rows() == []
    out = io.BytesIO()
    ordered.write_npz(out, {"params": np.array([1])})
    out.seek(0)
    with np.load(out) as f:
        assert f["sigs"].shape == (0, neardup.NUM_PERM) and f["sigs"].dtype == np.uint16
