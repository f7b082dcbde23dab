"""ocop-cycle: a workflow engine for Vietnam's OCOP programme."""

__version__ = "0.1.0"
