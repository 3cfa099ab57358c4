"""Execute one Jupyter notebook headless and write the executed copy.

Called by tools/run_notebooks.ts once per notebook; usable on its own:

    /usr/bin/python3 tools/execute_notebook.py IN.ipynb OUT.ipynb \
        [--cwd DIR] [--kernel deno] [--timeout SECONDS] [--late-output-ms 100] \
        [--no-sign] [--commit SHA] [--clean-copy PATH]

Why not plain nbclient/nbconvert: Deno 2.9.6's Jupyter kernel sometimes
publishes a cell's outputs (console.log, displays, the cell's value) on the
IOPub channel *after* the message that reports the cell idle. nbclient stops
listening for a cell at that idle message and the next cell ignores messages
addressed to the previous one, so those outputs are silently lost (about one
output in seven on this machine). Here, after each cell, the IOPub channel is
drained until it has been quiet for --late-output-ms milliseconds, and every
message addressed to a cell of this notebook is added to that cell's outputs.

The executed copy is signed with this user's Jupyter notebook secret
(nbformat's NotebookNotary, as `jupyter trust` does), so JupyterLab and
classic Notebook open it trusted on this account and draw its SVG and HTML
outputs; --no-sign leaves it unsigned. Its metadata gets a `kd_run` entry:
the scale (KD_SCALE), the git commit (--commit), when it ran and how long
it took, which tools/publish_html.ts prints on each page.

--clean-copy PATH (what `deno task reproduce` passes, at the default and paper
scales only, with PATH the notebook itself): after a successful run, also
write the executed notebook with what changes from run to run taken out
(clean_copy: the cells' execution timestamps, the kernel's language_info and
any widget state; kd_run keeps the scale and the commit, not the start or
run time), signed likewise. A smoke-scale run refuses to overwrite the
notebook it ran (exit 2, before running anything).

Stopping: on SIGINT or SIGTERM, or when its parent process goes away (the
notebook runner was killed), it kills the kernel's process group at once,
removes the kernel's connection file, writes no executed copy (a copy is
only ever written whole: to OUT.partial, then renamed), prints one line
"stopped by SIGNAL: ..." and exits 130 (SIGINT) or 143 (SIGTERM). The kernel is
also started with a parent-death signal (Linux), so it cannot outlive this
script even when the script itself is killed with SIGKILL.

Exit status: 0 when every cell ran; 1 when a cell failed (its index, source
and error are printed and the executed copy, with outputs up to the failure,
is still written); 2 for a problem before execution (bad arguments, missing
kernel, unreadable notebook); 130 or 143 when stopped by SIGINT or SIGTERM.
"""

import argparse
import asyncio
import copy
import ctypes
import os
import re
import signal
import sys
import threading
import time
from contextlib import asynccontextmanager
from queue import Empty

try:
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import (
        CellExecutionComplete,
        CellExecutionError,
        CellTimeoutError,
        DeadKernelError,
    )
    from nbclient.util import ensure_async
except ImportError as err:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        f"error: this Python ({sys.executable}) cannot import the Jupyter client: {err}.\n"
        "Install it with `apt-get install jupyter-client python3-nbclient python3-nbconvert`\n"
        "(then use /usr/bin/python3) or `pip install nbclient nbconvert`.\n"
    )
    sys.exit(2)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(BaseException):
    """Raised in the main thread by the SIGINT/SIGTERM handler to abandon the run."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def set_parent_death_signal(signum):
    """Linux: ask the kernel to send `signum` to this process when its parent dies.

    Returns False where prctl is not available (not Linux); the parent watcher
    thread in main() still notices a vanished parent there, within half a second.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signum), 0, 0, 0) == 0  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def kernel_dies_with_parent():
    """preexec_fn of the kernel's process: SIGKILL it when this script ends, however it ends."""
    set_parent_death_signal(signal.SIGKILL)


def refuse_stop_signals(add_signal_handler):
    """Wrap loop.add_signal_handler so that nbclient cannot take over SIGINT and SIGTERM.

    nbclient 0.7 answers them by shutting the kernel down and carrying on: the
    running cell then fails with "Kernel died", its second cleanup trips over
    `assert self.km is not None` (the empty "AssertionError:" a Ctrl-C used to
    print) and the executed copy is still written. nbclient treats the
    RuntimeError raised here as "signals not available" and goes on without them.
    """

    def add(sig, callback, *args):
        if sig in STOP_SIGNALS:
            raise RuntimeError("SIGINT and SIGTERM are handled by execute_notebook.py")
        return add_signal_handler(sig, callback, *args)

    return add


def strip_ansi(text):
    """Remove terminal colour codes, which kernels put in tracebacks."""
    return ANSI.sub("", text)


class LateOutputClient(NotebookClient):
    """A NotebookClient that also keeps the outputs a kernel sends after idle.

    After each code cell (through the `on_cell_executed` hook, so before
    nbclient decides whether the cell failed) it reads the IOPub channel
    until no message has arrived for `late_output_window` seconds and routes
    each message addressed to a cell of this notebook to that cell.
    """

    def __init__(self, nb, late_output_window=0.1, **kw):
        super().__init__(
            nb,
            on_cell_start=self._cell_started,
            on_cell_executed=self._cell_executed,
            on_cell_error=self._cell_failed,
            **kw,
        )
        self.late_output_window = late_output_window
        self.cells_by_msg_id = {}
        self.late_outputs = 0
        self.current_index = None
        self.cell_started_at = None
        self.failure = None

    @asynccontextmanager
    async def async_setup_kernel(self, **kwargs):
        loop = asyncio.get_running_loop()
        loop.add_signal_handler = refuse_stop_signals(loop.add_signal_handler)
        async with super().async_setup_kernel(**kwargs):
            yield

    def kill_kernel(self):
        """Kill the kernel's process group (its own session) now, and remove its connection file."""
        km = self.km
        provisioner = getattr(km, "provisioner", None) if km is not None else None
        pid = getattr(provisioner, "pid", None)
        if pid:
            for kill in (os.killpg, os.kill):
                try:
                    kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            try:
                provisioner.process.wait(timeout=2)
            except Exception:  # already reaped, or stuck in the kernel: nothing more to do
                pass
        if km is not None:
            try:
                km.cleanup_connection_file()
            except Exception:
                pass

    def _cell_started(self, cell, cell_index):
        self.current_index = cell_index
        self.cell_started_at = time.monotonic()

    def _cell_failed(self, cell, cell_index, execute_reply):
        self.failure = execute_reply.get("content", {})

    async def _cell_executed(self, cell, cell_index, execute_reply):
        msg_id = execute_reply.get("parent_header", {}).get("msg_id")
        if msg_id:
            self.cells_by_msg_id[msg_id] = (cell, cell_index)
        if self.late_output_window > 0:
            await self._drain_late_outputs()
        elapsed = time.monotonic() - (self.cell_started_at or time.monotonic())
        if elapsed >= 10:
            print(f"  cell {cell_index} took {elapsed:.1f} s", flush=True)

    async def _drain_late_outputs(self):
        while True:
            try:
                msg = await ensure_async(
                    self.kc.iopub_channel.get_msg(timeout=self.late_output_window)
                )
            except Empty:
                return
            target = self.cells_by_msg_id.get(msg.get("parent_header", {}).get("msg_id"))
            if target is None or msg["msg_type"] in ("status", "execute_input"):
                continue
            cell, cell_index = target
            try:
                self.process_message(msg, cell, cell_index)
            except CellExecutionComplete:
                pass
            self.late_outputs += 1


def print_failure(nb, index, error, out_path):
    cell = nb.cells[index] if index is not None and index < len(nb.cells) else None
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    where = f"cell {index}" if index is not None else "an unknown cell"
    if cell is not None and index in code_cells:
        where += f" (code cell {code_cells.index(index) + 1} of {len(code_cells)})"
    lines = [f"FAILED at {where}"]
    if cell is not None:
        lines.append("--- cell source ---")
        lines.append(cell.source.rstrip("\n"))
    lines.append("--- error ---")
    lines.append(error.rstrip("\n"))
    lines.append(f"--- the executed copy, with outputs up to the failure: {out_path}")
    print(strip_ansi("\n".join(lines)), flush=True)


def describe_reply(content):
    ename = content.get("ename", "Error")
    evalue = content.get("evalue", "")
    traceback = "\n".join(content.get("traceback", []) or [])
    text = f"{ename}: {evalue}"
    if not traceback.strip():
        return text
    if strip_ansi(traceback).startswith(text):
        return traceback  # Deno's traceback already starts with "ename: evalue"
    return text + "\n" + traceback


def write_notebook(nb, out_path, sign=True):
    """Write the notebook (signed unless sign is False) through a temporary file."""
    folder = os.path.dirname(os.path.abspath(out_path))
    os.makedirs(folder, exist_ok=True)
    tmp = out_path + ".partial"
    if sign:
        from nbformat.sign import NotebookNotary

        # Signs the notebook as written (the signature covers every cell and output) and
        # records it in this user's signature database: the copy opens trusted here.
        NotebookNotary().sign(nb)
    nbformat.write(nb, tmp)
    os.replace(tmp, out_path)


#: What nbclient and the kernel write that changes from run to run with nothing else
#: changed, and clean_copy() leaves out: per cell, metadata.execution (nbclient's
#: iopub.execute_input / iopub.status.busy / iopub.status.idle / shell.execute_reply
#: timestamps); per notebook, language_info (the kernel's, with its TypeScript version:
#: the source's own is kept), widgets (widget state), and kd_run's started and seconds;
#: and in stream outputs, each line naming this checkout's absolute path (such as the
#: native kernel's "compiled ... -> /home/.../build/native/..." note, printed only when
#: its cache was empty): it says where the run was, on this machine, not what it found.
VOLATILE_CELL_METADATA = ("execution",)
VOLATILE_RUN_FIELDS = ("started", "seconds")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def without_machine_lines(outputs, repo=REPO):
    """Stream outputs with the lines that name `repo` removed (an output left empty goes)."""
    kept = []
    for out in outputs:
        if out.get("output_type") == "stream":
            text = out.get("text", "")
            text = "".join(text) if isinstance(text, list) else text
            lines = [ln for ln in text.splitlines(keepends=True) if repo + "/" not in ln]
            if not lines:
                continue
            out["text"] = "".join(lines)
        kept.append(out)
    return kept


def clean_copy(executed, source_metadata):
    """The executed notebook as committed: outputs and execution counts kept, volatile fields out.

    `source_metadata` is the notebook's metadata as read before running (its kernelspec
    and language_info stay as the source had them); kd_run is the run's, without the
    start and run time (they stay in the build copy), so rerunning the same commit on the
    same machine changes only what the cells print and draw differently.
    """
    nb = nbformat.from_dict(copy.deepcopy(dict(executed)))
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = without_machine_lines(cell.outputs)
    metadata = copy.deepcopy(dict(source_metadata))
    metadata.pop("widgets", None)
    run = {k: v for k, v in executed.metadata.get("kd_run", {}).items()}
    metadata["kd_run"] = {k: v for k, v in run.items() if k not in VOLATILE_RUN_FIELDS}
    nb.metadata = nbformat.from_dict(metadata)
    return nb


def same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def watch_parent(parent):
    """Send this process SIGTERM when its parent `parent` is no longer its parent.

    A daemon thread polling every half second: the portable fallback for the
    parent-death signal, which also covers a parent gone before prctl ran.
    """

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, daemon=True).start()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebook", help="the notebook to run (it is not modified)")
    parser.add_argument("output", help="where to write the executed copy")
    parser.add_argument("--cwd", help="working directory of the kernel (default: the notebook's)")
    parser.add_argument("--kernel", default="deno", help="kernel name (default: deno)")
    parser.add_argument(
        "--timeout", type=float, default=1800, help="seconds allowed per cell (default: 1800)"
    )
    parser.add_argument(
        "--startup-timeout", type=float, default=120, help="seconds to start the kernel"
    )
    parser.add_argument(
        "--late-output-ms",
        type=float,
        default=100,
        help="after each cell, wait until IOPub has been quiet this long (0 = plain nbclient)",
    )
    parser.add_argument(
        "--no-sign", action="store_true", help="do not sign the executed copy (it opens untrusted)"
    )
    parser.add_argument("--commit", default="", help="git commit to record in the metadata")
    parser.add_argument(
        "--clean-copy",
        default="",
        help="after a successful run, also write the executed notebook without volatile "
        "metadata here (refused at KD_SCALE=smoke when it is the notebook itself)",
    )
    parser.add_argument(
        "--parent-pid",
        type=int,
        default=0,
        help="stop (as on SIGTERM) when this process, our parent, is gone (default: none)",
    )
    args = parser.parse_args(argv)

    if args.timeout <= 0:
        parser.error("--timeout must be a positive number of seconds")
    if args.late_output_ms < 0:
        parser.error("--late-output-ms must be zero or positive")
    scale = os.environ.get("KD_SCALE", "default")
    if args.clean_copy and scale == "smoke" and same_file(args.clean_copy, args.notebook):
        sys.stderr.write(
            f"error: a smoke-scale run never writes its outputs into {args.notebook}; "
            "run at KD_SCALE=default or paper, or give --clean-copy another path.\n"
        )
        return 2
    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        hint = " Run `deno jupyter --install`." if args.kernel == "deno" else ""
        sys.stderr.write(f"error: Jupyter has no kernel named '{args.kernel}'.{hint}\n")
        return 2
    try:
        nb = nbformat.read(args.notebook, as_version=4)
    except Exception as err:  # unreadable or invalid JSON: say which file
        sys.stderr.write(f"error: cannot read notebook {args.notebook}: {err}\n")
        return 2
    cwd = args.cwd or os.path.dirname(os.path.abspath(args.notebook))
    source_metadata = copy.deepcopy(dict(nb.metadata))

    client = LateOutputClient(
        nb,
        late_output_window=args.late_output_ms / 1000.0,
        kernel_name=args.kernel,
        timeout=int(args.timeout),
        startup_timeout=int(args.startup_timeout),
        resources={"metadata": {"path": cwd}},
    )

    def on_stop_signal(signum, frame):
        for sig in STOP_SIGNALS:  # a second signal must not interrupt the cleanup
            signal.signal(sig, signal.SIG_IGN)
        raise Interrupted(signum)

    try:
        # From here on SIGINT, SIGTERM and the parent's death stop the run.
        for sig in STOP_SIGNALS:
            signal.signal(sig, on_stop_signal)
        parent = args.parent_pid or os.getppid()
        if args.parent_pid:
            set_parent_death_signal(signal.SIGTERM)
        watch_parent(parent)
        return finish(client, nb, args, time.time(), source_metadata)
    except Interrupted as stop:
        client.kill_kernel()
        for path in (args.output, args.clean_copy):
            try:
                if path:
                    os.remove(path + ".partial")
            except FileNotFoundError:
                pass
        print(
            f"stopped by {stop}: the kernel was killed and no executed copy of "
            f"{args.notebook} was written",
            flush=True,
        )
        sys.stderr.flush()
        # os._exit: nbclient's atexit hook would try to shut down the kernel killed above.
        os._exit(128 + stop.signum)


def finish(client, nb, args, started, source_metadata=None):
    """Execute the notebook with `client` and write the executed copy; returns the exit status."""
    status = 0
    try:
        client.execute(preexec_fn=kernel_dies_with_parent)
    except CellExecutionError as err:
        error = describe_reply(client.failure) if client.failure else str(err)
        print_failure(nb, client.current_index, error, args.output)
        status = 1
    except CellTimeoutError as err:
        print_failure(nb, client.current_index, f"timeout: {err}", args.output)
        status = 1
    except DeadKernelError as err:
        print_failure(nb, client.current_index, f"the kernel died: {err}", args.output)
        status = 1
    except Exception as err:  # e.g. the kernel did not start: no cell to blame
        if client.current_index is None:
            sys.stderr.write(f"error: could not run {args.notebook}: {err!r}\n")
            return 2
        print_failure(nb, client.current_index, f"{type(err).__name__}: {err}", args.output)
        status = 1
    nb.metadata["kd_run"] = {
        "scale": os.environ.get("KD_SCALE", "default"),
        "commit": args.commit,
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "seconds": round(time.time() - started, 1),
        "complete": status == 0,
    }
    write_notebook(nb, args.output, sign=not args.no_sign and status == 0)
    if args.clean_copy and status == 0:
        clean = clean_copy(nb, source_metadata if source_metadata is not None else {})
        write_notebook(clean, args.clean_copy, sign=not args.no_sign)
        print(f"  clean copy: {args.clean_copy}", flush=True)
    if client.late_outputs:
        print(f"  kept {client.late_outputs} output(s) the kernel sent after idle", flush=True)
    return status


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)
