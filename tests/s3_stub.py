"""An S3 API on loopback for tests: moto's server, standing in for S3/MinIO."""

from __future__ import annotations

import contextlib
import socket
import uuid
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Start moto's S3 server on a free loopback port; yield a fresh ``s3://bucket/prefix``.
    The ``AWS_*`` variables (inherited by the processes a test starts) point at it."""
    import fsspec
    import s3fs
    from moto.server import ThreadedMotoServer

    # fsspec caches S3 filesystems by their arguments, and the endpoint comes from the
    # environment: an instance cached by an earlier test would still talk to that test's
    # (stopped) server. Start and end with an empty cache.
    s3fs.S3FileSystem.clear_instance_cache()
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for key, value in {
        "AWS_ACCESS_KEY_ID": "wirehouse-test", "AWS_SECRET_ACCESS_KEY": "wirehouse-test",
        "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
    }.items():
        monkeypatch.setenv(key, value)
    bucket = f"wirehouse-{uuid.uuid4().hex[:8]}"
    try:
        fs, _ = fsspec.core.url_to_fs(f"s3://{bucket}")
        fs.mkdir(bucket)
        yield f"s3://{bucket}/staging"
    finally:
        s3fs.S3FileSystem.clear_instance_cache()
        server.stop()
