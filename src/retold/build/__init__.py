"""Building the release: rows of each config, their Features, and the safe Parquet writer."""
