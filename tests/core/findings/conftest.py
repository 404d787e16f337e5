from tests.core.report.fixtures import demo, demo_master  # noqa: F401  (fixtures)
