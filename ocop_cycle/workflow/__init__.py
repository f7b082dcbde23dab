"""The workflow engine: definitions as data, one state machine per definition version."""
