#!/usr/bin/env python3
"""Calls per second of a Python `requests.Session` GET + JSON decode.

Run by `cargo bench --bench overhead` against its static server, so that
vidapi and the usual Python client are compared on the same page:

    requests_session.py URL TOKEN SECONDS

Prints one number: calls per second over SECONDS of back-to-back calls on
one session (one kept-alive connection), each decoding the JSON body.
"""

import sys
import time

import requests


def main() -> None:
    url, token, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    calls = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        response = session.get(url, timeout=10)
        response.raise_for_status()
        response.json()
        calls += 1
    print(f"{calls / (time.perf_counter() - start):.1f}")


if __name__ == "__main__":
    main()
