"""``rulepath batch`` meeting faults (cli/batch_cmd.py; issue 11, part 5): an output that
cannot be written, an output that is the input, SIGINT and SIGTERM, a slow producer on a
pipe, a single case file given as IN, a case clingo cannot finish in time, and the number of
workers. Signals and pipes are tested on a real process; every wait is bounded, and generous
(a loaded machine of two cores must pass)."""

from __future__ import annotations

import errno
import json
import os
import resource
import select
import signal
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import rulepath.cli.batch_cmd as batch_cmd
from bench.generate import generate
from rulepath.cli.main import main
from tests.conftest import EXAMPLE, ROOT

CASES = list(generate(40, seed=51))
LINES = [json.dumps(c) for c in CASES]
WAIT = 120.0  # the longest any step may take before the test fails (not a timing claim)


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    assert not isinstance(result.exception, Exception | KeyboardInterrupt), result.exception
    return result.exit_code, result.stdout, result.stderr


def command() -> list[str]:
    """The installed ``rulepath`` beside this Python, else ``python -m rulepath``."""
    script = Path(sys.executable).parent / "rulepath"
    return [str(script)] if script.exists() else [sys.executable, "-m", "rulepath"]


def jsonl(tmp_path: Path, lines: int = 12, name: str = "cases.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(LINES[i % len(LINES)] + "\n" for i in range(lines)))
    return path


def records(data: bytes | str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (data.decode() if isinstance(data, bytes) else
                                          data).splitlines()]


def one_clean_line(err: str | bytes) -> str:
    """stderr held one line (rulepath: ...) and no traceback."""
    text = err.decode() if isinstance(err, bytes) else err
    assert "Traceback" not in text and len(text.splitlines()) == 1, text
    assert text.startswith("rulepath: "), text
    return text


# --- the output cannot be written ------------------------------------------------------------


def test_an_output_in_a_missing_folder_is_one_line_and_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "out.jsonl"
    code, _, err = run("batch", str(jsonl(tmp_path)), "-o", str(target))
    assert code == 2
    assert one_clean_line(err).startswith(f"rulepath: -o: cannot write {target}: no such folder")
    assert not target.parent.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes a read-only file")
def test_a_read_only_output_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("kept\n")
    target.chmod(0o444)
    code, _, err = run("batch", str(jsonl(tmp_path)), "-o", str(target))
    assert code == 2 and "permission denied" in one_clean_line(err)
    assert target.read_text() == "kept\n"


@pytest.mark.skipif(not Path("/proc/version").exists(), reason="needs Linux /proc")
def test_an_unwritable_output_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    # not writable even by root: opening it fails (EACCES) or writing it does (EIO)
    code, _, err = run("batch", str(jsonl(tmp_path)), "-o", "/proc/version")
    assert code == 2
    assert one_clean_line(err).startswith("rulepath: -o: cannot write /proc/version: ")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_as_o_is_one_line_and_exit_2(tmp_path: Path) -> None:
    code, _, err = run("batch", str(jsonl(tmp_path)), "-o", "/dev/full")
    assert code == 2
    assert one_clean_line(err) == (
        "rulepath: -o: cannot write /dev/full: no space left on the device\n"
    )


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_as_stdout_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with open("/dev/full", "wb") as full:
        done = subprocess.run([*command(), "batch", str(jsonl(tmp_path))], stdout=full,
                              stderr=subprocess.PIPE, cwd=ROOT, timeout=WAIT)
    assert done.returncode == 2
    assert one_clean_line(done.stderr) == (
        "rulepath: stdout: cannot write: no space left on the device\n"
    )


def test_a_write_failing_midway_leaves_complete_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills during the third chunk's write, after half of it went out: the file is
    cut back to its last complete line, and the message says how many lines it holds."""
    calls: list[int] = []
    real = os.write

    def write(fd: int, data: Any) -> int:
        calls.append(len(data))
        if len(calls) == 3:
            return real(fd, data[: len(data) // 2])
        if len(calls) > 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd, data)

    monkeypatch.setattr(batch_cmd, "_write", write)
    target = tmp_path / "out.jsonl"
    code, _, err = run("batch", str(jsonl(tmp_path, 30)), "-o", str(target), "--workers", "1",
                       "--chunk-size", "4")
    assert code == 2
    message = one_clean_line(err)
    assert message.startswith(f"rulepath: -o: cannot write {target}: no space left")
    kept = records(target.read_bytes())
    assert target.read_bytes().endswith(b"\n") and 8 <= len(kept) < 12
    assert message.rstrip().endswith(f"it holds the output of the first {len(kept)} lines")
    assert [r["case"] for r in kept] == [c["caption"] for c in CASES[: len(kept)]]


def test_a_file_size_limit_leaves_complete_lines(tmp_path: Path) -> None:
    """A real short write: the kernel stops the file at RLIMIT_FSIZE mid-line (EFBIG)."""
    target = tmp_path / "out.jsonl"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, resource.RLIM_INFINITY))

    done = subprocess.run(
        [*command(), "batch", str(jsonl(tmp_path, 40)), "-o", str(target), "--workers", "1",
         "--chunk-size", "3"],
        stderr=subprocess.PIPE, cwd=ROOT, timeout=WAIT, preexec_fn=limit,
    )
    assert done.returncode == 2
    assert "file is too large" in one_clean_line(done.stderr)
    data = target.read_bytes()
    assert data.endswith(b"\n") and 0 < len(data) <= 20_000 and records(data)


# --- the output is the input -----------------------------------------------------------------


def _refused(err: str | bytes) -> None:
    line = one_clean_line(err)
    assert "IN" in line and "would destroy the input" in line, line


@pytest.mark.parametrize("how", ["same path", "symlink", "hard link"])
def test_writing_over_the_input_is_refused(tmp_path: Path, how: str) -> None:
    source = jsonl(tmp_path)
    before = source.read_bytes()
    target = {"same path": source, "symlink": tmp_path / "link.jsonl",
              "hard link": tmp_path / "hard.jsonl"}[how]
    if how == "symlink":
        target.symlink_to(source)
    elif how == "hard link":
        target.hardlink_to(source)
    code, out, err = run("batch", str(source), "-o", str(target))
    assert code == 2 and out == ""
    _refused(err)
    assert source.read_bytes() == before


def test_stdout_appending_to_the_input_is_refused(tmp_path: Path) -> None:
    source = jsonl(tmp_path)
    before = source.read_bytes()
    with source.open("ab") as same:  # batch IN >> IN: it would read its own output forever
        done = subprocess.run([*command(), "batch", str(source)], stdout=same,
                              stderr=subprocess.PIPE, cwd=ROOT, timeout=WAIT)
    assert done.returncode == 2
    _refused(done.stderr)
    assert source.read_bytes() == before


def test_o_over_the_file_on_stdin_is_refused(tmp_path: Path) -> None:
    source = jsonl(tmp_path)
    before = source.read_bytes()
    with source.open("rb") as stdin:  # batch - -o IN < IN
        done = subprocess.run([*command(), "batch", "-", "-o", str(source)], stdin=stdin,
                              stderr=subprocess.PIPE, cwd=ROOT, timeout=WAIT)
    assert done.returncode == 2
    _refused(done.stderr)
    assert source.read_bytes() == before


def test_an_output_inside_the_folder_is_not_read_as_a_case(tmp_path: Path) -> None:
    folder = tmp_path / "cases"
    folder.mkdir()
    for i in range(3):
        (folder / f"{i}.json").write_text(LINES[i])
    target = folder / "decisions.json"
    for _ in range(2):  # the second run finds the first one's output among the files
        code, _, err = run("batch", str(folder), "-o", str(target))
        assert code == 0 and "3 cases" in err
        assert len(records(target.read_text())) == 3


# --- signals ---------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _big(tmp_path: Path) -> Path:
    return jsonl(tmp_path, 6_000, "big.jsonl")  # seconds of work at the least: never done early


def _until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def _stopped_cleanly(done_code: int, status: int, err: bytes, out: bytes, workers: list[int]
                     ) -> None:
    text = err.decode()
    assert done_code == status, text
    assert "Traceback" not in text and "BrokenPipe" not in text and "Error" not in text, text
    name = "SIGINT" if status == 130 else "SIGTERM"
    (summary,) = [line for line in text.splitlines() if line.startswith("rulepath batch: ")]
    assert summary.startswith(f"rulepath batch: stopped by {name}: "), summary
    assert out.endswith(b"\n")
    lines = records(out)
    assert f": {len(lines)} cases, " in summary, summary
    assert [r["case"] for r in lines] == [CASES[i % len(CASES)]["caption"]
                                         for i in range(len(lines))]
    assert len(workers) == 2 and all(_gone(pid) for pid in workers), workers


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigint_to_the_process_group_ends_workers_and_exits_130(tmp_path: Path) -> None:
    """Ctrl-C in a terminal: SIGINT reaches the batch and its two workers at once."""
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*command(), "batch", str(_big(tmp_path)), "-o", str(target), "--workers", "2",
         "--chunk-size", "16"],
        stderr=subprocess.PIPE, cwd=ROOT, start_new_session=True,
    )
    try:
        _until(lambda: target.exists() and b"\n" in target.read_bytes()[:1 << 16],
               "the first output line")
        workers = _children(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        _, err = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    _stopped_cleanly(process.returncode, 130, err, target.read_bytes(), workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_sigterm_ends_workers_and_exits_143(tmp_path: Path) -> None:
    """SIGTERM to the batch alone (as a service manager sends it), the output a pipe."""
    process = subprocess.Popen(
        [*command(), "batch", str(_big(tmp_path)), "--workers", "2", "--chunk-size", "16"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    out = bytearray()
    assert process.stdout is not None

    def drain() -> None:
        assert process.stdout is not None
        while block := process.stdout.read1(1 << 16):
            out.extend(block)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        _until(lambda: b"\n" in out, "the first output line")
        workers = _children(process.pid)
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=WAIT)
        reader.join(WAIT)
        assert process.stderr is not None
        err = process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
    _stopped_cleanly(process.returncode, 143, err, bytes(out), workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_worker_killed_from_outside_ends_the_batch_with_one_message(tmp_path: Path) -> None:
    """A worker killed by another process (the kernel's out-of-memory killer, say): the batch
    does not wait for it for ever; it ends the other worker, says which one ended, exit 2."""
    target = tmp_path / "out.jsonl"
    process = subprocess.Popen(
        [*command(), "batch", str(_big(tmp_path)), "-o", str(target), "--workers", "2",
         "--chunk-size", "16"],
        stderr=subprocess.PIPE, cwd=ROOT,
    )
    try:
        _until(lambda: target.exists() and b"\n" in target.read_bytes()[:1 << 16],
               "the first output line")
        workers = _children(process.pid)
        assert len(workers) == 2, workers
        os.kill(workers[0], signal.SIGKILL)
        _, err = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
    text = err.decode()
    assert process.returncode == 2, text
    assert "Traceback" not in text, text
    assert f"worker process {workers[0]} ended unexpectedly (signal 9)" in text, text
    assert all(_gone(pid) for pid in workers), workers
    assert target.read_bytes().endswith(b"\n")


def _in_pipe(fd: int) -> int:
    import array
    import fcntl
    import termios

    count = array.array("i", [0])
    fcntl.ioctl(fd, termios.FIONREAD, count)
    return count[0]


@pytest.mark.skipif(sys.platform != "linux", reason="pipe capacity is Linux's")
def test_sigint_while_the_output_pipe_is_full_still_ends_at_a_complete_line(
    tmp_path: Path,
) -> None:
    """The reader has stopped reading (a pager): the batch is blocked writing. SIGINT stops
    it; the line being written is finished once the reader reads again."""
    process = subprocess.Popen(
        [*command(), "batch", str(_big(tmp_path)), "--workers", "1", "--chunk-size", "64"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT,
    )
    assert process.stdout is not None
    try:
        _until(lambda: _in_pipe(process.stdout.fileno()) >= 60_000,  # type: ignore[union-attr]
               "a full output pipe")
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err.decode() and "stopped by SIGINT" in err.decode()
    assert out.endswith(b"\n") and len(records(out)) >= 1


# --- a slow producer ---------------------------------------------------------------------------


def test_a_slow_producer_gets_each_decision_before_sending_the_next_line() -> None:
    """Lines fed one at a time through a pipe, a pause after each: each one's decision comes
    back while the producer waits (not after 256 lines, nor at the end of the input)."""
    process = subprocess.Popen([*command(), "batch", "-"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    assert process.stdin is not None and process.stdout is not None
    latencies = []
    try:
        for i, line in enumerate(LINES[:4]):
            sent = time.monotonic()
            process.stdin.write(line.encode() + b"\n")
            process.stdin.flush()
            # the first waits for the start (imports, grounding); then within seconds
            ready, _, _ = select.select([process.stdout], [], [], WAIT if i == 0 else 10.0)
            assert ready, f"no output for line {i + 1} while the producer waited"
            record = json.loads(process.stdout.readline())
            latencies.append(time.monotonic() - sent)
            assert record["case"] == CASES[i]["caption"]
            time.sleep(0.6)
        process.stdin.close()
        assert process.stdout.read() == b""
        assert process.wait(timeout=WAIT) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert max(latencies[1:]) < 10.0, latencies  # one line's solve, not a chunk of 256


# --- a single case file ------------------------------------------------------------------------


def _single(err: str, name: str) -> None:
    line = one_clean_line(err)
    assert line == (f"rulepath: IN: {name} is a single case file (YAML/JSON), not JSON Lines: "
                    f"use `rulepath decide {'-' if name == 'stdin' else name}`\n")


def test_a_yaml_case_file_is_refused_with_one_message() -> None:
    code, out, err = run("batch", str(EXAMPLE))
    assert code == 2 and out == ""
    _single(err, str(EXAMPLE))


def _pretty(tmp_path: Path) -> Path:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(yaml.safe_load(EXAMPLE.read_text()), indent=2, default=str))
    return path


def test_a_pretty_printed_json_case_file_is_refused_with_one_message(tmp_path: Path) -> None:
    path = _pretty(tmp_path)
    target = tmp_path / "out.jsonl"
    code, _, err = run("batch", str(path), "-o", str(target))
    assert code == 2 and not target.exists()  # refused before the output is opened
    _single(err, str(path))
    code, _, err = run("batch", "-", input=path.read_text())
    assert code == 2
    _single(err, "stdin")


def test_a_yaml_case_on_stdin_is_refused_with_one_message() -> None:
    code, _, err = run("batch", "-", input=EXAMPLE.read_text())
    assert code == 2
    _single(err, "stdin")


def test_json_lines_that_merely_look_odd_are_still_decided(tmp_path: Path) -> None:
    one = tmp_path / "one.json"  # a case on one line: JSON Lines of one line
    one.write_text(LINES[0] + "\n")
    code, out, _ = run("batch", str(one))
    assert code == 0 and records(out)[0]["case"] == CASES[0]["caption"]
    bad_first = tmp_path / "bad.jsonl"  # a broken first line is that line's error record
    bad_first.write_text('{"format": "rulepath/case-1",\n' + LINES[1] + "\n")
    code, out, _ = run("batch", str(bad_first))
    first, second = records(out)
    assert code == 1 and first["line"] == 1 and second["case"] == CASES[1]["caption"]
    text = tmp_path / "notes.jsonl"  # text that is no mapping: every line its record
    text.write_text("hello\nworld\n")
    code, out, _ = run("batch", str(text))
    assert code == 1 and [r["line"] for r in records(out)] == [1, 2]


# --- the solver's time limit -------------------------------------------------------------------

# a pack with a case clingo cannot finish quickly (x.hard: a pigeonhole problem)
SLOW_PACK = Path(__file__).parent / "data" / "slow_pack"


def _slow_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hard: list[bool]) -> Path:
    monkeypatch.setenv("RULEPATH_PACK_PATH", str(SLOW_PACK))
    path = tmp_path / "slow.jsonl"
    path.write_text("".join(json.dumps({"format": "rulepath/case-1", "rule": "slow-demo",
                                        "caption": f"case {i + 1}", "x": {"hard": h}}) + "\n"
                            for i, h in enumerate(hard)))
    return path


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_case_over_the_time_limit_is_an_error_record_and_the_batch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    path = _slow_cases(tmp_path, monkeypatch, [False, True, False, True, False])
    started = time.monotonic()
    code, out, err = run("batch", str(path), "--time-limit", "0.5", "--workers", workers,
                         "--chunk-size", "2")
    assert time.monotonic() - started < WAIT
    assert code == 1, err
    one, two, three, four, five = records(out)
    for record, line in ((two, 2), (four, 4)):
        assert record == {"format": "rulepath/error-1", "line": line, "field": None,
                          "error": "solver time limit (0.5 s) exceeded"}
    # the cases after one stopped are decided, on the same program (the interrupt spent)
    assert [r["case"] for r in (one, three, five)] == ["case 1", "case 3", "case 5"]
    assert "3 decided, 2 errors" in err


def test_the_time_limit_is_checked() -> None:
    code, _, err = run("batch", "-", "--time-limit", "-1", input="")
    assert code == 2 and "--time-limit" in err
    result = CliRunner().invoke(main, ["batch", "--help"])
    assert "--time-limit SECONDS" in result.stdout and "default: 10" in result.stdout


def test_an_interrupt_that_came_after_the_search_is_spent_on_nothing() -> None:
    """A solve that ends just as its time is up: the watchdog's interrupt finds no search, and
    clingo would stop the next solve with it (the next case's); it is spent at once instead."""
    from rulepath.engine.pack import default_pack_id, load_pack
    from rulepath.engine.program import program_for
    from rulepath.engine.solve import READS, one_solve

    pack = load_pack(default_pack_id())
    version = pack.version_for(date(2020, 1, 1), None)
    solver = one_solve(program_for(pack, version, (), variant=READS))
    solver.interrupt()
    assert solver._solve([])[1]  # clingo's behaviour the engine guards against
    solver.interrupt()
    solver.consume_interrupt()
    assert not solver._solve([])[1]


def test_no_time_limit_starts_no_watchdog(tmp_path: Path) -> None:
    code, out, _ = run("batch", str(jsonl(tmp_path, 3)), "--time-limit", "0")
    assert code == 0 and len(records(out)) == 3


# --- workers -----------------------------------------------------------------------------------


def test_workers_default_to_the_cores_available_and_no_more_than_chunks(tmp_path: Path) -> None:
    cores = batch_cmd.available_cores()
    if hasattr(os, "sched_getaffinity"):
        assert cores == len(os.sched_getaffinity(0))
    result = CliRunner().invoke(main, ["batch", "--help"])
    assert f"the cores available, {cores} here" in " ".join(result.stdout.split())
    source = jsonl(tmp_path, 3)
    code, _, err = run("batch", str(source), "--chunk-size", "1")  # three chunks
    want = min(cores, 3)
    assert code == 0 and f" {want} worker{'s' if want > 1 else ''})" in err
    code, _, err = run("batch", str(source))  # one chunk: one worker
    assert code == 0 and "1 worker)" in err
