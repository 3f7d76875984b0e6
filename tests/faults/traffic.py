"""Readers as HTTP clients: each keeps its own cookies, GETs the article page for the form (the
same page for everyone), and POSTs a comment from it as a browser does (`Sec-Fetch-Site`)."""

from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

FORM = re.compile(r'<form method="post" action="([^"]+/comments/)"')


@dataclass
class Form:
    action: str


@dataclass
class Reader:
    port: int
    name: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(
        self, method: str, path: str, fields: dict | None = None
    ) -> tuple[int, dict[str, str], str]:
        """One request on a fresh connection; status 0 when the server could not be reached."""
        headers = {"User-Agent": f"newsroom-load/{self.name}", "Sec-Fetch-Site": "same-origin"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except OSError:
            return 0, {}, ""
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value in ("", '""') or "max-age=0" in cookie.lower():
                self.cookies.pop(name.strip(), None)  # deleted, as a browser would
            else:
                self.cookies[name.strip()] = value
        return response.status, dict(response.headers), text

    def fetch_form(self, article_path: str) -> Form | None:
        status, _, html = self.request("GET", article_path)
        if status != 200:
            return None
        return Form(FORM.search(html)[1])

    def post(self, article_path: str, form: Form, body: str) -> int:
        fields = {
            "name": f"Reader {self.name}",
            "email": f"{self.name}@load.example",
            "body": body,
            "website": "",
        }
        status, headers, _ = self.request("POST", form.action, fields)
        if status == 303:
            assert headers["Location"].startswith(f"{article_path}?posted="), headers
        return status


@dataclass
class Tally:
    """What the server answered, shared by the client threads."""

    statuses: dict[int, int] = field(default_factory=dict)
    accepted: list[str] = field(default_factory=list)  # bodies answered with a 303
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, body: str) -> None:
        with self.lock:
            self.statuses[status] = self.statuses.get(status, 0) + 1
            if status == 303:
                self.accepted.append(body)


def run_clients(count: int, work, timeout: float) -> None:
    """Run `work(n)` in `count` threads at once and wait for all of them."""
    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(count)]
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.1, deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), f"clients still running after {timeout}s"
