"""The front on one machine: Varnish on a port, with nginx (static and media files) and the
app behind it. `make serve` runs it (scripts/serve.py); the tests start it on free ports.

Debian's packages: varnish, varnish-modules (the xkey vmod), nginx. Configuration comes
from deploy/: the VCL as shipped, with a backends file made here for these ports.
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VMOD_DIRS = [Path("/usr/lib/x86_64-linux-gnu/varnish/vmods"), Path("/usr/lib/varnish/vmods")]
VMOD_DIRS += list(Path("/usr/lib").glob("*/varnish/vmods"))


def missing_package() -> str | None:
    """The Debian package the front needs and this machine lacks, or None."""
    if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
        return "varnish"
    if not any((d / "libvmod_xkey.so").exists() for d in VMOD_DIRS):
        return "varnish-modules"
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        return "nginx"
    return None


def _binary(name: str) -> str:
    return shutil.which(name) or f"/usr/sbin/{name}"


@dataclass
class Front:
    """Varnish on `port` in front of the app on `app_port` and nginx on `files_port`."""

    port: int
    app_port: int
    files_port: int
    static_root: Path
    media_root: Path
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="nr-front-")))
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Front:
        if (package := missing_package()) is not None:
            raise RuntimeError(f"install Debian's {package} (apt-get install {package})")
        self._write_config()
        self.start_files()
        self.start_varnish()
        return self

    def _write_config(self) -> None:
        values = {
            "APP_PORT": self.app_port,
            "FILES_PORT": self.files_port,
            "STATIC_ROOT": self.static_root,
            "MEDIA_ROOT": self.media_root,
            "WORKDIR": self.workdir,
            "DEPLOY": DEPLOY,
            # nginx's workers read the files as this user (as root it would be nobody, who
            # cannot read a private temp directory).
            "USER_LINE": f"user {getpass.getuser()};" if os.geteuid() == 0 else "",
        }
        for template, target in [
            (DEPLOY / "varnish" / "backends.vcl.in", "backends.vcl"),
            (DEPLOY / "nginx" / "nginx.conf.in", "nginx.conf"),
        ]:
            text = Template(template.read_text()).safe_substitute(values)
            (self.workdir / target).write_text(text)

    def start_files(self) -> None:
        self.processes["nginx"] = subprocess.Popen(
            [
                _binary("nginx"),
                "-p",
                str(self.workdir),
                "-c",
                str(self.workdir / "nginx.conf"),
                "-g",
                "daemon off;",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start_varnish(self) -> None:
        self.processes["varnish"] = subprocess.Popen(
            [
                _binary("varnishd"),
                "-F",
                "-j",
                "none",
                "-n",
                str(self.workdir / "varnish"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                "none",
                "-f",
                str(DEPLOY / "varnish" / "default.vcl"),
                "-p",
                f"vcl_path={self.workdir}:{DEPLOY / 'varnish'}",
                "-s",
                "malloc,256m",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait_ready(self, timeout: float = 30) -> None:
        """Until Varnish answers and finds the app healthy (its probe of /livez)."""
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            for name, process in self.processes.items():
                if process.poll() is not None:
                    err = process.stderr.read().decode() if process.stderr else ""
                    raise RuntimeError(f"{name} exited ({process.returncode}): {err[-500:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/livez", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = str(exc)
            time.sleep(0.1)
        raise RuntimeError(f"the front did not come up: {last}")

    def stop_varnish(self) -> None:
        self._stop("varnish")

    def stop(self) -> None:
        for name in list(self.processes):
            self._stop(name)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
