"""Start and stop emulated devices (the native virtual device)."""
