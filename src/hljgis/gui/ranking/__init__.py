"""The ranking dock's parts."""
