"""Are Postgres and Redis reachable for `make test`? Exit 0 if so, else print what is down."""

import os
import socket
import sys
from urllib.parse import urlparse


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), 2
        ):
            return True
    except OSError:
        return False


down = []
if not reachable(os.environ["DATABASE_URL"], 5432):
    down.append(f"PostgreSQL at {urlparse(os.environ['DATABASE_URL']).netloc}")
if not reachable(os.environ["REDIS_URL"], 6379):
    down.append(f"Redis at {urlparse(os.environ['REDIS_URL']).netloc}")
if down:
    print(" and ".join(down) + " not reachable", file=sys.stderr)
    sys.exit(1)
