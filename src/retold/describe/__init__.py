"""Descriptions generated from the data: statistics, the dataset card, the datasheet and
the guidelines' label tables."""
