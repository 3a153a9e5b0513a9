"""The nonconformities area's services, one sub-module per part (each helper owns its own)."""
