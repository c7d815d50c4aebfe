"""S3 for the storage tests: moto's server on loopback, a client and the storage settings."""

from __future__ import annotations

import socket
from typing import Any

CREDENTIALS = {"access_key": "testing", "secret_key": "testing", "region_name": "us-east-1"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def s3_client(endpoint: str) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        region_name=CREDENTIALS["region_name"],
    )


def s3_settings(endpoint: str, bucket: str, **options: Any) -> dict[str, Any]:
    """The STORAGES["default"] entry of django-storages on that endpoint and bucket."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint,
            **CREDENTIALS,
            "addressing_style": "path",
            "default_acl": None,
            "file_overwrite": False,
            **options,
        },
    }


def bucket_keys(client: Any, bucket: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def bucket_remove(client: Any, bucket: str) -> None:
    """Empty the bucket, then delete it."""
    for key in bucket_keys(client, bucket):
        client.delete_object(Bucket=bucket, Key=key)
    client.delete_bucket(Bucket=bucket)
