"""The browser fixtures (one Chromium per test session) for every folder of tests/ that
drives a browser: tests/browser and tests/security share the one instance."""

pytest_plugins = ["tests.browser.support"]
