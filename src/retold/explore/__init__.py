"""The static explorer of a release: HTML pages, figures, no server."""
