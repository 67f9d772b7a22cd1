"""From validated annotations to release rows, Arrow tables and Parquet files."""
