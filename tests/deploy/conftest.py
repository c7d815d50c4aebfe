"""The deploy suite starts real servers: it runs only when asked (`pytest -m deploy`, which
`make test-deploy` and CI do), never as part of the everyday `make test`."""

import pytest


def pytest_collection_modifyitems(config, items):
    if "deploy" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="starts nginx, gunicorn and a worker: run `make test-deploy`")
    for item in items:
        if item.get_closest_marker("deploy") is not None:
            item.add_marker(skip)
