"""`make serve`: the production-like stack on PORT. Varnish on PORT, with nginx (static and
media files) and gunicorn (production settings) behind it; Ctrl-C stops all three.

Usage: serve.py PORT   (env: DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS, ...)
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stack import ROOT, Front, missing_package  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    if (package := missing_package()) is not None:
        print(f"make serve: Debian's {package} is missing: apt-get install {package}")
        return 1
    # Stopped by a signal, stop all three (the `finally` below runs).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app_port, files_port = free_port(), free_port()
    env = {
        **os.environ,
        "DEBUG": os.environ.get("DEBUG", "false"),
        # One proxy (this Varnish) stands in front of the app, and purges go to it.
        "TRUSTED_PROXY_HOPS": os.environ.get("TRUSTED_PROXY_HOPS", "1"),
        "VARNISH_URLS": os.environ.get("VARNISH_URLS", f"http://127.0.0.1:{port}"),
        "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1"),
        "SITE_URL": os.environ.get("SITE_URL", f"http://127.0.0.1:{port}"),
    }
    media_root = Path(env.get("MEDIA_ROOT", ROOT / "media"))
    static_root = Path(env.get("STATIC_ROOT", ROOT / "staticfiles"))
    media_root.mkdir(parents=True, exist_ok=True)
    bin_dir = Path(sys.executable).parent
    app = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "newsroom.wsgi",
            "--bind",
            f"127.0.0.1:{app_port}",
            "--workers",
            env.get("WEB_CONCURRENCY", "4"),
            "--access-logfile",
            "-",
        ],
        env=env,
        cwd=ROOT,
    )
    front = Front(
        port=port,
        app_port=app_port,
        files_port=files_port,
        static_root=static_root,
        media_root=media_root,
    )
    try:
        front.start()
        front.wait_ready(timeout=60)
        print(f"Newsroom on http://127.0.0.1:{port}/ (Varnish; nginx and gunicorn behind it)")
        app.wait()
        return app.returncode or 0
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"make serve: {exc}")
        return 1
    finally:
        front.stop()
        if app.poll() is None:
            app.terminate()
            app.wait()


if __name__ == "__main__":
    sys.exit(main())
