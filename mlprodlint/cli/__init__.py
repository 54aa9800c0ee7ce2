"""The command line: one group, one error handler, one RunRequest, one module per command."""
