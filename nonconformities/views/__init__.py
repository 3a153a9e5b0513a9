"""The nonconformities area's views, one sub-module per part (each helper owns its own)."""
