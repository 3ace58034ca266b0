"""Entry point: `python -m tests.moto_ext --port N` serves moto plus the extension."""

from __future__ import annotations

import argparse
import os

from werkzeug.serving import run_simple


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    url = f"http://{args.host}:{args.port}"
    os.environ.setdefault("MOTO_PORT", str(args.port))
    # the handlers we run in-process call this server back through boto3: point them here,
    # with moto's placeholder credentials unless the caller set some
    os.environ.setdefault("AWS_ENDPOINT_URL", url)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    from tests.moto_ext import control, install

    install()
    control.set_server_url(url)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(args.host, args.port, control.wrap(app), threaded=True)


if __name__ == "__main__":
    main()
