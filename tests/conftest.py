# SPDX-License-Identifier: BSD-2-Clause
"""Loaded by pytest for every suite under tests/: the shared fixtures
(tests/lib/rexectest/fixtures.py).  Helpers are imported from the
rexectest package (tests/lib, on sys.path through pytest.ini)."""
pytest_plugins = ["rexectest.fixtures"]
