"""The release rows, their datasets features, and the safe Parquet writer."""
