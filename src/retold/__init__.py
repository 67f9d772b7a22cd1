"""retold: claims, attribution and duplication across five retellings of one news report."""

from importlib.metadata import version

from retold.schema import DATASET_VERSION, SCHEMA_VERSION

__version__ = version("retold")
__all__ = ["DATASET_VERSION", "SCHEMA_VERSION", "__version__"]
