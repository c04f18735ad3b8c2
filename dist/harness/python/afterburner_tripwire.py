"""Runs inside the sandbox, in the verify runner. While the candidate runs (and only then), starting a process,
opening a network connection or writing a file outside the temp directory fails the candidate: an audit hook
raises in the operation and keeps the first such attempt as the reason. Side effects the original's own code
shows (the `allow` list: process, network, file-write) stay possible. Audit hooks cannot be removed, so the hook
stays installed and a flag says when candidate code runs."""

import os
import sys
import tempfile

_PROCESS_EVENTS = {
    "subprocess.Popen",
    "os.system",
    "os.exec",
    "os.spawn",
    "os.posix_spawn",
    "os.fork",
    "os.forkpty",
    "pty.spawn",
}
_NETWORK_EVENTS = {
    "socket.connect",
    "socket.bind",
    "socket.sendto",
    "socket.sendmsg",
    "socket.getaddrinfo",
    "socket.gethostbyname",
    "socket.gethostbyaddr",
    "socket.getnameinfo",
    "urllib.Request",
    "http.client.connect",
    "ftplib.connect",
    "smtplib.connect",
    "imaplib.open",
    "poplib.connect",
    "nntplib.connect",
    "telnetlib.Telnet.open",
}
# Events whose first argument is a path the operation changes (rename and link: both arguments).
_PATH_EVENTS = {
    "os.remove": 1,
    "os.rmdir": 1,
    "os.mkdir": 1,
    "os.truncate": 1,
    "os.chmod": 1,
    "os.chown": 1,
    "os.utime": 1,
    "os.chflags": 1,
    "os.lchflags": 1,
    "os.setxattr": 1,
    "os.removexattr": 1,
    "os.rename": 2,
    "os.link": 2,
    "os.symlink": 2,
    "shutil.rmtree": 1,
    "shutil.copyfile": 2,
    "shutil.copymode": 2,
    "shutil.copystat": 2,
    "shutil.copytree": 2,
    "shutil.move": 2,
    "shutil.chown": 1,
    "shutil.make_archive": 1,
    "shutil.unpack_archive": 2,
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC


class TripwireError(PermissionError):
    pass


def _real(path):
    # realpath resolves what exists and keeps the rest, so a file not yet created resolves through its directory.
    return os.path.realpath(os.fsdecode(path))


class Tripwire:
    def __init__(self, options):
        self.active = False
        self.tripped = None
        if not options:
            return
        allow = set(options.get("allow") or [])
        self._process = "process" not in allow
        self._network = "network" not in allow
        self._files = "file-write" not in allow
        # Resolved now: gettempdir() probes its candidates by writing a file, which must not happen under the hook.
        self._temp = _real(options.get("tempDir") or tempfile.gettempdir())
        self._workspace = _real(os.getcwd())
        sys.addaudithook(self._hook)

    def __enter__(self):
        self._before = self.active
        self.active = True
        return self

    def __exit__(self, *exc):
        self.active = self._before
        return False

    def _trip(self, reason):
        if self.tripped is None:
            self.tripped = reason
        raise TripwireError("afterburner tripwire: " + reason)

    def _outside(self, path):
        if isinstance(path, int) or path is None:
            return None
        try:
            real = _real(path)
        except (TypeError, ValueError):
            return None
        if real == os.devnull:
            return None
        in_temp = real == self._temp or real.startswith(self._temp + os.sep)
        in_workspace = real == self._workspace or real.startswith(self._workspace + os.sep)
        if in_temp and not in_workspace:
            return None
        return "the candidate wrote a file outside the temp directory: " + real

    def _hook(self, event, args):
        if not self.active:
            return
        # Formatting the reason or resolving a path must not re-enter the hook's checks.
        self.active = False
        try:
            reason = self._reason(event, args)
        finally:
            self.active = True
        if reason:
            self._trip(reason)

    def _reason(self, event, args):
        if self._process and event in _PROCESS_EVENTS:
            return "the candidate spawned a process: " + _program(event, args)
        if self._network and event in _NETWORK_EVENTS:
            where = _endpoint(event, args)
            return "the candidate opened a network connection" + (": " + where if where else "")
        if not self._files:
            return None
        if event == "open" and len(args) >= 3:
            path, mode, flags = args[0], args[1], args[2]
            writes = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
            return self._outside(path) if writes else None
        count = _PATH_EVENTS.get(event)
        if count:
            for path in args[:count]:
                reason = self._outside(path) if isinstance(path, (str, bytes, os.PathLike)) else None
                if reason:
                    return reason
        return None


def _program(event, args):
    try:
        if event == "os.system":
            return "sh"
        if event == "subprocess.Popen":
            executable, argv = args[0], args[1]
            if executable is None:
                first = argv if isinstance(argv, (str, bytes)) else (list(argv) or ["?"])[0]
                executable = os.fsdecode(first).split()[0] if isinstance(argv, (str, bytes)) else first
            return os.path.basename(os.fsdecode(executable))
        if event in ("os.exec", "os.posix_spawn"):
            return os.path.basename(os.fsdecode(args[0]))
        if event == "os.spawn":
            return os.path.basename(os.fsdecode(args[1]))
    except Exception:
        pass
    return event


def _endpoint(event, args):
    try:
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            address = args[1]
            if isinstance(address, tuple) and len(address) >= 2:
                return "%s:%s" % (address[0], address[1])
            return str(address)
        if event == "socket.getaddrinfo":
            return "name lookup of %s" % (args[0],)
        if event == "urllib.Request":
            return str(args[0])
        if event == "http.client.connect":
            return "%s:%s" % (args[1], args[2])
        return str(args[0]) if args else ""
    except Exception:
        return ""
