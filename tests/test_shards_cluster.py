"""Shards built and searched on a real Dask cluster: a LocalCluster of two worker
processes over the loopback, shared by the module (starting one costs seconds)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from searchcli import Searcher
from searchcli.errors import SearchError
from searchcli.indexing import update
from searchcli.shards.cluster import ENV
from searchcli.shards.layout import read_set

distributed = pytest.importorskip("distributed")

IR = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "ir"


@pytest.fixture(scope="module")
def cluster() -> Iterator[object]:
    import dask

    # A task whose worker dies fails at once (no rescheduling on the other worker),
    # so that a killed build is seen to fail and to leave the previous index serving.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as local:
            yield local


@pytest.fixture(scope="module")
def cran(cluster: object, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    docs = IR / "cran" / "docs.jsonl"
    if not docs.exists():
        pytest.skip("the shared IR collections are not there")
    tmp = tmp_path_factory.mktemp("cran")
    single, sharded = tmp / "single", tmp / "sharded"
    update([str(docs)], str(single))
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    report = update([str(docs)], str(sharded), shards=3, scheduler=address)
    assert report.added == 1398 and report.rebuilt
    return single, sharded


def test_built_and_searched_on_the_cluster_as_one_index(
    cran: tuple[Path, Path], cluster: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from test_shards_equal import _queries, assert_same

    single, sharded = cran
    monkeypatch.setenv(ENV, cluster.scheduler_address)  # type: ignore[attr-defined]
    queries = _queries("cran")[:40] + ["bound*", "shockk~", '"heat transfer" -flow']
    with (
        distributed.Client(cluster, set_as_default=False) as logs,  # type: ignore[arg-type]
        distributed.get_task_stream(client=logs) as stream,
        Searcher(single) as one,
        Searcher(sharded) as many,
    ):
        assert many._remote() is not None  # scored on the cluster
        for query in queries:
            assert_same(one, many, query, limit=10)
        assert_same(one, many, "boundary", limit=3, mode="all")
    ran = [str(t["key"]) for t in stream.data]
    # each query: both steps as one task a shard
    assert sum("shard_statistics" in k for k in ran) >= 3 * len(queries)
    assert sum("shard_scores" in k for k in ran) >= 3 * len(queries)


def test_search_scheduler_option_scores_on_the_cluster(
    cran: tuple[Path, Path], cluster: object
) -> None:
    from click.testing import CliRunner

    from searchcli.cli import cli

    single, sharded = cran
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    runner = CliRunner()
    words = ["search", "supersonic wing", "--json", "-n", "15"]
    with distributed.Client(cluster, set_as_default=False) as logs:  # type: ignore[arg-type]
        with distributed.get_task_stream(client=logs) as stream:
            many = runner.invoke(cli, [*words, "--index", str(sharded), "--scheduler", address])
    one = runner.invoke(cli, [*words, "--index", str(single)])
    assert many.exit_code == one.exit_code == 0, many.stderr
    assert json.loads(many.stdout) == json.loads(one.stdout)
    assert any("shard_scores" in str(t["key"]) for t in stream.data)
    assert ENV not in os.environ  # the option held for that command only


def test_a_worker_killed_mid_build_leaves_the_previous_index(
    cluster: object, tmp_path: Path
) -> None:
    index = tmp_path / "ix"
    first = tmp_path / "first.jsonl"
    first.write_text(json.dumps({"id": "old", "title": "old", "body": "walrus"}) + "\n")
    address = cluster.scheduler_address  # type: ignore[attr-defined]
    update([str(first)], str(index), shards=2, scheduler=address)
    live = read_set(str(index))
    big = tmp_path / "big.jsonl"
    words = "the tide came in over the long flat sand and the gulls rose crying".split()
    with big.open("w") as f:
        for n in range(30000):
            body = " ".join(words[(n + k) % len(words)] for k in range(60))
            f.write(json.dumps({"id": f"d{n}", "title": f"t{n}", "body": f"{body} w{n}"}) + "\n")

    failure: list[BaseException] = []

    def build() -> None:
        try:
            update([str(big)], str(index), rebuild=True, scheduler=address)
        except BaseException as exc:
            failure.append(exc)

    client = distributed.Client(address, set_as_default=False)
    try:
        thread = threading.Thread(target=build)
        thread.start()
        victim = _worker_running_a_shard(client)
        os.kill(victim, signal.SIGKILL)
        thread.join(300)
        assert not thread.is_alive()
        client.wait_for_workers(2, timeout=120)  # the nanny starts a new one
    finally:
        client.close()
    assert failure and isinstance(failure[0], SearchError)
    message = str(failure[0])
    assert "shard" in message and "lost" in message and "previous index is unchanged" in message
    assert read_set(str(index)) == live
    assert sorted(p.name for p in index.iterdir()) == ["LOCK", "SHARDS", live.name]
    with Searcher(index) as s:
        assert [h.id for h in s.search("walrus").hits] == ["old"]
        assert s.doc_count == 1


def _worker_running_a_shard(client: object) -> int:
    """The pid of a worker process while it runs a shard build."""
    pids = client.run(os.getpid)  # type: ignore[attr-defined]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for worker, keys in client.processing().items():  # type: ignore[attr-defined]
            if any("build_shard" in str(k) for k in keys):
                time.sleep(1.0)  # well into the build
                return int(pids[worker])
        time.sleep(0.05)
    raise AssertionError("no shard build started")


def test_an_unreachable_scheduler_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from searchcli.shards import cluster as cluster_module

    monkeypatch.setattr(cluster_module, "CONNECT_SECONDS", 2)
    docs = tmp_path / "d.jsonl"
    docs.write_text(json.dumps({"id": "a", "title": "a", "body": "b"}) + "\n")
    with pytest.raises(SearchError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:9"):
        update([str(docs)], str(tmp_path / "ix"), shards=2, scheduler="tcp://127.0.0.1:9")
    assert not (tmp_path / "ix" / "SHARDS").exists()


def test_a_search_task_whose_worker_dies_is_retried_once_then_reported(tmp_path: Path) -> None:
    from searchcli.shards.cluster import ClusterError, run_on_client

    def die_unless_marked(marker: str, always: bool) -> int:
        if always or not os.path.exists(marker):
            Path(marker).touch()
            os.kill(os.getpid(), signal.SIGKILL)  # the worker dies, as when out of memory
        return 7

    import dask

    # its own cluster: three workers die here, one each time (none has to come back);
    # the scheduler does not retry by itself, so the retry seen is searchcli's
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        local = distributed.LocalCluster(
            n_workers=3, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    client = distributed.Client(local, set_as_default=False)
    try:
        once = str(tmp_path / "once")
        assert run_on_client(client, die_unless_marked, [(once, False)], ["shard 0"], True) == [7]
        with pytest.raises(ClusterError, match="shard 0: .* lost twice"):
            run_on_client(
                client, die_unless_marked, [(str(tmp_path / "x"), True)], ["shard 0"], True
            )
    finally:
        client.close()
        with contextlib.suppress(Exception):  # closing misses the workers that died
            local.close()
