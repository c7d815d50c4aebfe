"""The deploy suite starts real servers: it runs only when asked (`pytest -m deploy`, which
`make test-deploy` and CI do), never as part of the everyday `make test`, where its tests are
left out (deselected, not skipped: nothing skips in CI)."""


def pytest_collection_modifyitems(config, items):
    if "deploy" in (config.getoption("markexpr") or ""):
        return
    kept = [item for item in items if item.get_closest_marker("deploy") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
