"""Small helpers shared by the tests (not fixtures)."""

import os

import pytest


def required(env_var):
    return os.environ.get(env_var, "").strip().lower() in {"1", "true", "yes", "on"}


def need(condition, reason, env_var):
    """Skip the test when ``condition`` is false — or fail it when ``env_var`` is set to 1, so a CI
    job that promises the service cannot go green by skipping."""
    if condition:
        return
    if required(env_var):
        pytest.fail(f"{reason} (and {env_var}=1 requires it)")
    pytest.skip(reason)
