"""Executors: serial, local process pool and Dask, all as ``concurrent.futures.Executor``.

The batch engine only calls ``submit`` and waits on the returned futures, so anything
with the standard ``Executor`` interface works: a user can pass their own (an MPI pool,
a ``dask-jobqueue`` cluster's client executor) to :func:`sim.experiments.engine.execute`.

Choices that matter (docs/architecture.md, toolchain facts):

- Process pools start workers with ``spawn``, never ``fork``: numpy already runs threads
  and forked children can deadlock; spawn also works from notebooks because the task
  function lives in an importable module, not in ``__main__``.
- Dask ``LocalCluster`` binds every interface by default; we bind 127.0.0.1 and switch
  the dashboard off unless the user asks otherwise. One thread per worker process:
  the model holds the GIL, so threads would only contend.
- Workers are never recycled with ``max_tasks_per_child`` (it hangs in CPython 3.12,
  gh-115634); the model releases its memory after each run instead.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any

from sim.errors import UsageError
from sim.experiments import allocator

KINDS = ("serial", "process", "dask")
LOCALHOST = "127.0.0.1"
CONNECT_TIMEOUT = 5.0
"""Seconds to wait for a Dask scheduler before giving up with a one-line error."""
ADDRESS_RE = re.compile(
    r"^(?:(tcp|tls|ws|wss|ucx)://)?([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$"
)
ADDRESS_HELP = "a Dask scheduler address such as tcp://10.0.0.5:8786 (scheme://host:port)"


class SerialExecutor(Executor):
    """Runs each task at submission, in this process: debuggable, no start-up cost.

    Exceptions are stored in the future, as a pool would, so the engine's error
    handling does not depend on the executor.
    """

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Run ``fn(*args, **kwargs)`` now and return an already finished future."""
        if self._shutdown:
            raise RuntimeError("cannot submit to a SerialExecutor after shutdown")
        fut: Future = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:  # noqa: BLE001 - delivered through the future, like a pool
            fut.set_exception(exc)
        return fut

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse further tasks (nothing is ever pending)."""
        self._shutdown = True


def default_workers() -> int:
    """CPUs this process may use (affinity-aware where the platform allows)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


def check_kind(kind: str) -> str:
    """Return ``kind`` if it names an executor; otherwise raise a one-line error."""
    if kind not in KINDS:
        raise ValueError(f"executor = {kind!r} is not allowed; expected one of {', '.join(KINDS)}")
    return kind


def check_address(address: str | None) -> str | None:
    """Return ``address`` if it looks like a Dask scheduler address; else a one-line error.

    Checked before anything runs, so a typo fails at once instead of after a timeout.
    """
    if address is None:
        return None
    match = ADDRESS_RE.match(address.strip()) if isinstance(address, str) else None
    if not match or not 0 < int(match.group(3)) < 65536:
        raise UsageError(f"--address {address!r} is not allowed; expected {ADDRESS_HELP}")
    return address.strip()


@contextmanager
def open_executor(
    kind: str = "process",
    workers: int | None = None,
    address: str | None = None,
    host: str = LOCALHOST,
) -> Iterator[Executor]:
    """Open an executor for a batch and close it afterwards, whatever happens.

    Args:
        kind: ``"serial"``, ``"process"`` (default) or ``"dask"``.
        workers: Worker processes (default: the CPUs available). Ignored by
            ``serial`` and by ``dask`` with an ``address`` (the cluster decides).
        address: Dask scheduler address (``tcp://host:8786``); without one a
            ``LocalCluster`` is started for the batch and stopped after it.
        host: Interface a local Dask cluster listens on; loopback unless asked.

    Yields:
        A ``concurrent.futures.Executor``.
    """
    check_kind(kind)
    n = default_workers() if workers is None else workers
    if n < 1:
        raise ValueError(f"workers = {n!r} is not allowed; expected an integer >= 1")
    if kind == "serial":
        with SerialExecutor() as ex:
            yield ex
    elif kind == "process":
        ctx = multiprocessing.get_context("spawn")
        # Workers exist only to run models: they opt in to allocator tuning.
        pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=allocator.enable)
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    else:
        with _dask_executor(n, address, host) as ex:
            yield ex


@contextmanager
def _dask_executor(workers: int, address: str | None, host: str) -> Iterator[Executor]:
    """A Dask client executor on a given scheduler or on a loopback ``LocalCluster``."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise RuntimeError(
            "executor = 'dask' needs the 'distributed' package: pip install 'dask[distributed]'"
        ) from exc
    if address is not None:
        with _connect(Client, check_address(address)) as client:
            yield client.get_executor(pure=False)
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host=host,
        dashboard_address=None,
    )
    try:
        with Client(cluster) as client:
            yield client.get_executor(pure=False)
    finally:
        cluster.close()


def _connect(client_type: Any, address: str) -> Any:
    """A client of the scheduler at ``address``; unreachable: one line, not a traceback."""
    try:
        return client_type(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise UsageError(
            f"--address {address!r}: no Dask scheduler answered within {CONNECT_TIMEOUT:g} s "
            f"({' '.join(str(exc).split())[:120]}); start one (docs/cluster.md) or check "
            "host and port"
        ) from None


def worker_count(executor: Executor, fallback: int) -> int:
    """How many tasks the executor runs at once (for chunk sizing and in-flight limits)."""
    if isinstance(executor, SerialExecutor):
        return 1
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    client = getattr(executor, "_client", None)
    if client is not None:
        try:
            n = sum(client.nthreads().values())
        except Exception:  # noqa: BLE001 - a detail; the fallback is safe
            n = 0
        if n > 0:
            return n
    return max(1, fallback)
