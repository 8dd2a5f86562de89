"""Serialise the roster files in a child process, so that generation and writing use both cores.

The child (`python -m doudi.synth.child`) owns the files; the parent pickles batches of (writer index, cells)
into its stdin, which blocks when the child falls behind, so memory stays flat. Rows arrive in order, so the
files are byte for byte those an in-process run writes. A subprocess rather than multiprocessing: it does not
depend on how the caller's main module is written, nor fork a process that runs a progress thread.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from doudi.synth.sinks import CsvRoster, JsonLines, RowWriter, XlsxRoster

_BATCH = 2_000


@dataclass(frozen=True)
class WriterSpec:
    """How to open one output file: xlsx (optionally with a title row and a column order), csv or jsonl."""

    path: Path
    headers: tuple[str, ...] = ()
    title: str = ""
    order: tuple[int, ...] | None = None
    encoding: str = ""  # csv files: utf-8 or gb18030

    def open(self) -> RowWriter:
        if self.path.suffix == ".jsonl":
            return JsonLines(self.path)
        if self.encoding:
            return CsvRoster(self.path, self.headers, self.encoding)
        return XlsxRoster(self.path, self.headers, self.title, self.order)


def serve(stream: IO[bytes]) -> None:
    """The child's loop: specs first, then batches, then None."""
    specs: list[WriterSpec] = pickle.load(stream)
    writers = [spec.open() for spec in specs]
    try:
        while (batch := pickle.load(stream)) is not None:
            for index, cells in batch:
                writers[index].write(cells)
    finally:
        for writer in writers:
            writer.close()


class Hub:
    """The parent's end: buffers rows and ships them in batches."""

    def __init__(self, specs: list[WriterSpec]) -> None:
        self._process = subprocess.Popen([sys.executable, "-m", "doudi.synth.child"], stdin=subprocess.PIPE)
        assert self._process.stdin is not None
        self._stdin = self._process.stdin
        self._buffer: list[tuple[int, Sequence[Any]]] = []
        self._open = len(specs)
        self._send(specs)

    def _send(self, obj: object) -> None:
        try:
            pickle.dump(obj, self._stdin, protocol=pickle.HIGHEST_PROTOCOL)
        except BrokenPipeError:
            self._fail()

    def _fail(self) -> None:
        code = self._process.wait()
        raise RuntimeError(f"写名册文件的子进程异常退出(退出码 {code}), 请查看上方的报错信息")

    def put(self, index: int, cells: Sequence[Any]) -> None:
        self._buffer.append((index, cells))
        if len(self._buffer) >= _BATCH:
            self._send(self._buffer)
            self._buffer = []

    def release(self) -> None:
        """One writer is done; when all are, tell the child (it closes its files while others still run)."""
        self._open -= 1
        if self._open == 0:
            self._end()

    def _end(self) -> None:
        if self._stdin.closed:
            return
        if self._buffer:
            self._send(self._buffer)
            self._buffer = []
        self._send(None)
        self._stdin.close()

    def finish(self) -> None:
        """Wait for the child to close its files."""
        self._end()
        if self._process.wait() != 0:
            self._fail()


class RemoteRoster:
    """A RowWriter that hands its rows to the hub."""

    def __init__(self, hub: Hub, index: int) -> None:
        self._hub = hub
        self._index = index

    def write(self, cells: Sequence[Any]) -> None:
        self._hub.put(self._index, cells)

    def close(self) -> None:
        self._hub.release()
