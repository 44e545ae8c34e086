"""Device clients for the serial setup console."""
