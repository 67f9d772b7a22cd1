"""retold: claims, attribution and duplication across five retellings of one news report."""

from retold.schema import SCHEMA_VERSION

__version__ = "0.1.0"
__all__ = ["SCHEMA_VERSION", "__version__"]
