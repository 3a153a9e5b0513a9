"""The nonconformities area's forms, one sub-module per part (each helper owns its own)."""
