"""`chalice local` with a listen backlog sized for a flash sale.

Chalice's local server keeps socketserver's default backlog of 5 pending connections, so a burst of
concurrent shoppers gets connection resets before a request is even read. This runs the unchanged
`chalice local` command after raising that one number.
"""
from __future__ import annotations

import sys

from chalice import cli, local


def main() -> None:
    local.ThreadedHTTPServer.request_queue_size = 256
    sys.argv = ["chalice", "local", *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
